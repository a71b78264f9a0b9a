package io.waitline.queue.event;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.store.QueueStore;
import java.util.List;

/**
 * The queue event log read as an outbox by other modules: typed events after a cursor, so a consumer keeps its own
 * checkpoint without reading queue-core's tables. Every method runs on the client it is given, so the consumer reads
 * the log in the same transaction as it records what it did with it.
 *
 * <p>Only events of transactions older than the oldest one still running are handed out (in transaction, then
 * position order): those are all committed and visible, and every event still to come sorts after them. A
 * transaction held open delays the events written after it began until it ends, and loses none; a rollback delays
 * no one.
 */
public final class EventLog {
  private final QueueStore store = new QueueStore();

  /** Finished events after {@code cursor}, in cursor order, at most {@code limit}. */
  public Future<List<LoggedEvent>> after(SqlClient c, LogCursor cursor, int limit) {
    return store.finishedEventsAfter(c, cursor, limit);
  }

  /** Where a new consumer starts: after every finished event, before every event of a transaction still running. */
  public Future<LogCursor> end(SqlClient c) {
    return store.eventLogEnd(c);
  }

  /**
   * The cursor of a consumer that kept only a position (before the log recorded transactions): after the event at
   * {@code position} and every event before it.
   */
  public Future<LogCursor> cursorAt(SqlClient c, long position) {
    return store.eventCursorAt(c, position);
  }
}
