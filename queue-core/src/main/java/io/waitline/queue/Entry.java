package io.waitline.queue;

import java.time.Instant;
import java.util.UUID;

/**
 * One patient's visit in one queue.
 *
 * @param placeAt the time that orders this entry (arrival, or the original arrival when a transfer keeps its place)
 * @param calledTo the desk or room the patient was called to, while called or in service
 */
public record Entry(
    UUID id,
    String queueId,
    String ticket,
    Patient patient,
    Priority priority,
    Instant appointmentAt,
    String appointmentRef,
    Instant placeAt,
    Status status,
    Instant statusSince,
    String calledTo,
    boolean runningLate,
    UUID transferredFrom) {

  public Entry withStatus(Status next, Instant at, String to) {
    return new Entry(id, queueId, ticket, patient, priority, appointmentAt, appointmentRef, placeAt, next, at, to,
        runningLate, transferredFrom);
  }
}
