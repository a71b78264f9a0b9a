package io.waitline.insights;

import io.waitline.queue.store.Migrations;

/** The insights module's own schema (the daily rollups), migrated after queue-core's, whose views it reads. */
public final class InsightsMigrations {
  static final String LOCATION = "classpath:db/insights";
  static final String HISTORY_TABLE = "insights_schema_history";

  private InsightsMigrations() {}

  /** Blocking: run on a worker. @return how many migrations were applied */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Migrations.migrate(jdbcUrl, user, password, LOCATION, HISTORY_TABLE);
  }
}
