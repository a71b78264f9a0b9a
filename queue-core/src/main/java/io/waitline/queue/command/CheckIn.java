package io.waitline.queue.command;

import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import java.time.Instant;

/**
 * A patient arriving (walk-in or with an appointment) or announced by an appointment source.
 *
 * @param appointmentAt null for a walk-in
 * @param appointmentRef the source system's appointment id; unique per queue, so a re-sent appointment is refused
 */
public record CheckIn(Patient patient, Priority priority, Instant appointmentAt, String appointmentRef) {
  public CheckIn {
    if (patient == null || patient.name() == null || patient.name().isBlank()) {
      throw new IllegalArgumentException("a patient name is required");
    }
    if (priority == null) priority = Priority.NORMAL;
  }
}
