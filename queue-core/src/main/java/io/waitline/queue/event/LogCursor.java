package io.waitline.queue.event;

/**
 * A consumer's place in the queue event log: events are read in (writing transaction, position) order, so a cursor
 * never passes an event whose transaction may still commit.
 *
 * @param xact the id of the transaction that wrote the last event read ({@code pg_current_xact_id()})
 * @param position that event's position ({@code queue_event.id})
 */
public record LogCursor(long xact, long position) {
  /** Before every event. */
  public static final LogCursor START = new LogCursor(0, 0);
}
