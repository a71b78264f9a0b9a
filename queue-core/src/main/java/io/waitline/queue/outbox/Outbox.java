package io.waitline.queue.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.event.LogCursor;
import java.util.List;

/**
 * A table of records to publish, read like the queue event log: in (writing transaction, position) order, only rows
 * of transactions older than every one still running, so a reader that keeps a cursor passes none over.
 */
public interface Outbox {
  /** The relay's row in {@code event_relay}: its lease and published position. */
  String lease();

  /** What it holds, in words for the logs ("queue events", "payment outcomes"). */
  String what();

  /** Finished records after {@code cursor}, in cursor order, at most {@code limit}. */
  Future<List<OutboxRecord>> after(SqlClient c, LogCursor cursor, int limit);
}
