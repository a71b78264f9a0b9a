package io.waitline.queue.store;

import static io.waitline.queue.sql.Rows.first;
import static io.waitline.queue.sql.Rows.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.event.LogCursor;
import java.time.Instant;

/** The SQL of the event log's relays (table {@code event_relay}): their lease and how far they have published. */
public final class EventRelayStore {
  /**
   * Takes or renews the relay's lease for {@code holder} until {@code until}, if nobody else holds an unexpired one
   * at {@code now} (the shape of pms-sync's source leases).
   *
   * @return where the relay stands ({@link LogCursor#START} before its first event), or null when another holder
   *     has the lease
   */
  public Future<LogCursor> tryLease(SqlClient c, String relay, String holder, Instant now, Instant until) {
    return c.preparedQuery("INSERT INTO event_relay (name, holder, expires_at) VALUES ($1, $2, $4)"
            + " ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = $4"
            + " WHERE event_relay.holder = $2 OR event_relay.holder IS NULL OR event_relay.expires_at <= $3"
            + " RETURNING last_xact, last_event")
        .execute(Tuple.of(relay, holder, odt(now), odt(until)))
        .map(rows -> first(rows, r -> r.getLong("last_xact") == null ? LogCursor.START
            : new LogCursor(r.getLong("last_xact"), r.getLong("last_event"))));
  }

  /** Gives the lease up at once, so another node need not wait for it to expire. */
  public Future<Void> releaseLease(SqlClient c, String relay, String holder) {
    return c.preparedQuery("UPDATE event_relay SET holder = NULL, expires_at = NULL WHERE name = $1 AND holder = $2")
        .execute(Tuple.of(relay, holder)).mapEmpty();
  }

  /**
   * Records that everything up to {@code cursor} is published, if {@code holder} still holds the lease.
   *
   * @return false when the lease has passed to another holder (who publishes from its own position)
   */
  public Future<Boolean> savePosition(SqlClient c, String relay, String holder, LogCursor cursor, Instant now) {
    return c.preparedQuery("UPDATE event_relay SET last_xact = $3, last_event = $4, updated_at = $5"
            + " WHERE name = $1 AND holder = $2")
        .execute(Tuple.of(relay, holder, cursor.xact(), cursor.position(), odt(now)))
        .map(rows -> rows.rowCount() > 0);
  }
}
