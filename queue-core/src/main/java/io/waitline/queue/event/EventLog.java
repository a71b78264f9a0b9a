package io.waitline.queue.event;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.store.QueueStore;
import java.util.List;

/**
 * The queue event log read as an outbox by other modules: typed events after a position, so a consumer keeps its own
 * checkpoint without reading queue-core's tables. Every method runs on the client it is given, so the consumer reads
 * the log in the same transaction as it records what it did with it.
 */
public final class EventLog {
  private final QueueStore store = new QueueStore();

  /** Events after {@code position}, in position order, at most {@code limit}. */
  public Future<List<LoggedEvent>> after(SqlClient c, long position, int limit) {
    return store.eventsAfterPosition(c, position, limit);
  }

  /** The position of the last event written so far (0 for an empty log): where a new consumer starts. */
  public Future<Long> end(SqlClient c) {
    return store.lastEventPosition(c);
  }

  /**
   * Whether another transaction is writing the log right now. Positions are taken when a transaction writes its
   * event, not when it commits: a missing position is a transaction still in flight only while someone writes; with
   * no writer it was rolled back and will never appear.
   */
  public Future<Boolean> writersInFlight(SqlClient c) {
    return store.eventWritersInFlight(c);
  }
}
