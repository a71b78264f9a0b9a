package io.waitline.access;

import io.waitline.queue.store.Migrations;

/** The access module's schema (accounts, sessions, devices, audit log), migrated after queue-core's. */
public final class AccessMigrations {
  static final String LOCATION = "classpath:db/access";
  static final String HISTORY_TABLE = "access_schema_history";

  private AccessMigrations() {}

  /** Blocking: run on a worker. @return how many migrations were applied */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Migrations.migrate(jdbcUrl, user, password, LOCATION, HISTORY_TABLE);
  }
}
