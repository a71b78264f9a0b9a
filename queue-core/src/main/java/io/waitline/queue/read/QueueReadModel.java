package io.waitline.queue.read;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.Entry;
import io.waitline.queue.store.QueueStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * What other modules may read of queue-core's data besides its commands and events: typed reads, so a renamed column
 * fails to compile here instead of failing in another module's SQL. Each method is one statement.
 */
public final class QueueReadModel {
  private final QueueStore store = new QueueStore();

  /** The visit of an entry with what a message needs to reach the patient; null when the entry does not exist. */
  public Future<VisitContact> visitContact(SqlClient c, UUID entryId) {
    return store.visitContact(c, entryId);
  }

  /** The entries among {@code ids} that still exist (e.g. to name who audit records are about). */
  public Future<List<Entry>> entries(SqlClient c, Collection<UUID> ids) {
    return store.entries(c, ids);
  }

  /**
   * A queue's entries of the local days {@code from} (inclusive) to {@code to} (exclusive) of kind {@code kind}, in
   * the order they were created, at most {@code limit} of them after {@code after} (null from the start).
   */
  public Future<List<DayVisit>> dayVisits(SqlClient c, String queueId, LocalDate from, LocalDate to,
      DayVisit.Kind kind, DayVisit.Cursor after, int limit) {
    return store.dayVisits(c, queueId, from, to, kind, after, limit);
  }

  /** Every entry waiting now, in every queue, on its site's local day. */
  public Future<List<WaitingEntry>> waitingToday(SqlClient c, Instant now) {
    return store.waitingToday(c, now);
  }
}
