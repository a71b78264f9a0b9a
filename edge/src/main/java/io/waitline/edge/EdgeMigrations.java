package io.waitline.edge;

import io.waitline.queue.store.Migrations;

/** The edge's own schema (the shared rate-limit buckets), migrated after the modules it builds on. */
public final class EdgeMigrations {
  static final String LOCATION = "classpath:db/edge";
  static final String HISTORY_TABLE = "edge_schema_history";

  private EdgeMigrations() {}

  /** Blocking: run on a worker. @return how many migrations were applied */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Migrations.migrate(jdbcUrl, user, password, LOCATION, HISTORY_TABLE);
  }
}
