package io.waitline.edge;

import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import java.util.Map;
import java.util.UUID;

/** Messages put straight into the notifications module's outbox, as it leaves them, for tests of what the API shows. */
final class StoredNotifications {
  private StoredNotifications() {}

  /** A "called" message to the patient of {@code entry} (site {@code clinic}) in {@code state}; returns its id. */
  static UUID called(SqlClient db, Entry entry, String state) {
    return called(db, entry, state, Map.of());
  }

  /** The same with {@code more} columns set as given (e.g. {@code rounds}, {@code last_error}, {@code channel}). */
  static UUID called(SqlClient db, Entry entry, String state, Map<String, Object> more) {
    UUID id = UUID.randomUUID();
    Tuple values = Tuple.of(id, "test:" + id, entry.id(), TestApp.SITE, entry.queueId(), entry.ticket(), state);
    StringBuilder columns = new StringBuilder();
    StringBuilder params = new StringBuilder();
    more.forEach((column, value) -> {
      values.addValue(value);
      columns.append(", ").append(column);
      params.append(", $").append(values.size());
    });
    db.preparedQuery("INSERT INTO notify_intent (id, dedupe_key, kind, audience, entry_id, site_id, queue_id, ticket,"
        + " urgent, params, state, created_at, updated_at" + columns + ") VALUES ($1, $2, 'called', 'patient', $3, $4,"
        + " $5, $6, true, '{}', $7, now(), now()" + params + ")").execute(values).await();
    return id;
  }
}
