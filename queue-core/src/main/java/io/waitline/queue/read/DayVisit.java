package io.waitline.queue.read;

import io.waitline.queue.Entry;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One entry of a queue's day as a record system reads it: the entry, its local day, when the patient arrived (first
 * joined the line; null while only expected, or when cancelled before arriving) and the position to read on from
 * ({@code after}, for the next page).
 */
public record DayVisit(Entry entry, LocalDate day, Instant arrivedAt, Cursor after) {

  /** A place in a queue's entries in the order they were created; immutable, so pages neither skip nor repeat. */
  public record Cursor(Instant createdAt, java.util.UUID id) {}

  /** Which of a day's entries a read wants. */
  public enum Kind {
    /** Entries booked for a time (appointments), except those transferred on to another queue. */
    APPOINTMENTS,
    /** Entries whose patient arrived. */
    ARRIVALS
  }
}
