package io.waitline.edge;

import io.vertx.pgclient.PgConnectOptions;
import io.waitline.queue.store.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Databases with every module's schema, on the test JVM's one embedded PostgreSQL: the first call migrates a
 * template (with the node's own {@link WaitlineNode#migrate}), then each call copies it with {@code CREATE DATABASE
 * ... TEMPLATE}, far faster than migrating again.
 */
public final class MigratedDatabases {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static PgConnectOptions template;

  private MigratedDatabases() {}

  /** A new database of its own with every migration applied. */
  public static synchronized PgConnectOptions fresh() {
    if (template == null) {
      template = TestDatabase.freshDatabase();
      WaitlineNode.migrate(template);
    }
    String name = "edge_" + COUNTER.incrementAndGet();
    String url = "jdbc:postgresql://" + template.getHost() + ":" + template.getPort() + "/postgres";
    try (Connection c = DriverManager.getConnection(url, template.getUser(), template.getPassword());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE " + template.getDatabase());
    } catch (SQLException e) {
      throw new IllegalStateException("could not copy the migrated template database", e);
    }
    return new PgConnectOptions(template).setDatabase(name);
  }
}
