package io.waitline.queue.event;

/**
 * An event with its place in the whole event log.
 *
 * @param position increasing across all queues in the order the events were written (not necessarily committed)
 * @param xact the transaction that wrote it
 */
public record LoggedEvent(long position, long xact, QueueEvent event) {
  /** The cursor just after this event. */
  public LogCursor cursor() {
    return new LogCursor(xact, position);
  }
}
