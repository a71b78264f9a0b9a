package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.event.PgNotifyRelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node on the database that credentials ended (sign-out, password and account changes, device
 * revocation), through PostgreSQL NOTIFY on the relay's connection: each node, this one included, forgets the
 * credentials it cached and has its open feeds check theirs again at once, instead of at their next heartbeat.
 */
public final class AccessChanges {
  /** The NOTIFY channel; the payload names the operation, never a credential. */
  public static final String CHANNEL = "waitline_access_changes";
  /** Event-bus address on each node where a notice arrives. */
  public static final String ADDRESS = "waitline.access.changed";
  private static final Logger LOG = LoggerFactory.getLogger(AccessChanges.class);

  private AccessChanges() {}

  /**
   * Hands the notices {@code relay} receives to this node's event bus, and forgets cached credentials on each;
   * completes once listening.
   */
  public static Future<Void> listen(Vertx vertx, PgNotifyRelay relay, CredentialCache credentials) {
    vertx.eventBus().<String>consumer(ADDRESS, msg -> credentials.forgetAll());
    return relay.listen(CHANNEL, operation -> vertx.eventBus().publish(ADDRESS, operation));
  }

  /** Announces, after its commit, that {@code operation} ended credentials. */
  public static Future<Void> announce(SqlClient db, String operation) {
    return db.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, operation)).<Void>mapEmpty()
        .onFailure(err -> LOG.warn("Could not tell the other nodes that {} ended credentials (their feeds check again "
            + "at the next heartbeat): {}", operation, err.getMessage()));
  }
}
