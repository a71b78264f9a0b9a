package io.waitline.queue.store;

import java.util.Map;
import org.flywaydb.core.Flyway;

/** Brings a database schema up to date with the migrations under {@code db/migration}. Blocking: run on a worker. */
public final class Migrations {
  private Migrations() {}

  /** @return how many migrations were applied */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate()
        .migrationsExecuted;
  }

  /**
   * Applies another module's migrations, kept apart from queue-core's: their own classpath {@code location} and
   * their own Flyway history {@code table}, so version numbers never collide. Flyway holds its lock for the run on a
   * session, not in a transaction, so that a migration may build an index {@code CONCURRENTLY} (which waits for every
   * transaction open on the database, Flyway's own included).
   *
   * @return how many migrations were applied
   */
  public static int migrate(String jdbcUrl, String user, String password, String location, String table) {
    return Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations(location)
        .table(table)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
