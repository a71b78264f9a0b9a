package io.waitline.queue.outbox;

import static io.waitline.queue.sql.Rows.map;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.event.LogCursor;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A module's outcome outbox: a table of its own that it writes in the same transaction as the change it reports, of
 * one shape for every module, queue-core's {@code outcome_outbox} ({@code id, xact, record_key, type, data, at};
 * created {@code LIKE outcome_outbox INCLUDING ALL}; docs/events.md).
 *
 * <p>Each row is published as a CloudEvents envelope whose {@code id} is the outbox's name and the row's id (the same
 * on every repeat), {@code subject} the record key.
 *
 * @param lease the relay's name, also the envelope ids' prefix (e.g. {@code payment-outcomes})
 * @param what the records in words, for the logs
 * @param table the owning module's table
 * @param source the envelopes' {@code source} (e.g. {@code /waitline/payments})
 */
public record OutcomeOutbox(String lease, String what, String table, String source) implements Outbox {
  private static final Pattern TABLE = Pattern.compile("[a-z_]+");

  public OutcomeOutbox {
    if (!TABLE.matcher(table).matches()) throw new IllegalArgumentException("not a table name: " + table);
  }

  @Override
  public Future<List<OutboxRecord>> after(SqlClient c, LogCursor cursor, int limit) {
    return c.preparedQuery("SELECT id, xact::text::bigint AS xact, record_key, type, data, at FROM " + table
            + " WHERE (xact, id) > ($1::bigint::text::xid8, $2) AND xact < pg_snapshot_xmin(pg_current_snapshot())"
            + " ORDER BY xact, id LIMIT $3")
        .execute(Tuple.of(cursor.xact(), cursor.position(), limit))
        .map(rows -> map(rows, r -> {
          long id = r.getLong("id");
          String key = r.getString("record_key");
          JsonObject envelope = new JsonObject()
              .put("specversion", "1.0")
              .put("id", lease + "/" + id)
              .put("source", source)
              .put("type", r.getString("type"))
              .put("subject", key)
              .put("time", r.getOffsetDateTime("at").toInstant().toString())
              .put("datacontenttype", "application/json")
              .put("data", (JsonObject) r.getValue("data"));
          return new OutboxRecord(new LogCursor(r.getLong("xact"), id), key, envelope);
        }));
  }
}
