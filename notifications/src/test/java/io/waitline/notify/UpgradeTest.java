package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.store.Migrations;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A database written by the release before the event log recorded transactions (queue-core V2.1, notifications V1),
 * with visits and a checkpoint kept as an id, upgraded in place: nothing already read is told again, nothing unread
 * is lost.
 */
class UpgradeTest {
  /**
   * Today's commands read a queue's rota (queue-core V4), which the old release had not: an empty table of the same
   * shape lets them write the old release's rows, and is dropped before the upgrade creates the real one.
   */
  private static final String ROTA_STAND_IN = "queue_rota_shift";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseWithEventsAndAnIdCheckpointIsUpgradedWithoutReplayingOrLosingAnEvent() {
    PgConnectOptions db = oldRelease();
    String url = NotifyWorld.jdbcUrl(db);
    Pool pool = TestDatabase.pool(vertx, db, 4);
    TestClock clock = TestClock.running(NotifyWorld.START);
    QueueCommands commands = new QueueCommands(pool, new QueueStore(), e -> {}, new ServiceTimeEstimator(), clock);
    await(commands.createSite(new Site(NotifyWorld.SITE, "Main Street Clinic", NotifyWorld.LONDON, "en", "ticket")));
    await(commands.createQueue(new ServiceQueue("q1", NotifyWorld.SITE, "General", "A", OrderingRule.DEFAULT, 600,
        false, 1, 0)));
    UUID told = checkIn(commands, "Already Told");
    // where the earlier release's reader stopped: after the first check-in
    long readUpTo = await(pool.query("SELECT max(id) FROM queue_event").execute()).iterator().next().getLong(0);
    await(pool.preparedQuery("INSERT INTO notify_checkpoint (name, last_event_id) VALUES ('outbox', $1)")
        .execute(Tuple.of(readUpTo)));
    UUID unread = checkIn(commands, "Not Yet Told");

    await(pool.query("DROP TABLE " + ROTA_STAND_IN).execute());
    Migrations.migrate(url, db.getUser(), db.getPassword());
    Notifications.migrate(url, db.getUser(), db.getPassword());
    Notifications notifications = Notifications.builder(vertx, pool, NotifyWorld.config()).clock(clock).build();

    assertThat(await(notifications.reader().poll())).isOne();
    assertThat(checkedIn(pool)).containsExactly(unread.toString());
    UUID after = checkIn(commands, "After The Upgrade");
    assertThat(await(notifications.reader().poll())).isOne();
    assertThat(checkedIn(pool)).containsExactly(unread.toString(), after.toString()).doesNotContain(told.toString());
    assertThat(await(pool.query("SELECT last_xact FROM notify_checkpoint").execute()).iterator().next().getLong(0))
        .isPositive();
  }

  /** A new database migrated only as far as the release before transaction cursors. */
  private PgConnectOptions oldRelease() {
    PgConnectOptions any = TestDatabase.freshDatabase();
    String name = "waitline_upgrade_" + UUID.randomUUID().toString().substring(0, 8);
    Pool admin = TestDatabase.pool(vertx, any, 1);
    await(admin.query("CREATE DATABASE " + name).execute());
    await(admin.close());
    PgConnectOptions db = new PgConnectOptions(any).setDatabase(name);
    String url = NotifyWorld.jdbcUrl(db);
    Flyway.configure().dataSource(url, db.getUser(), db.getPassword()).locations("classpath:db/migration")
        .target("2.1").load().migrate();
    Flyway.configure().dataSource(url, db.getUser(), db.getPassword()).locations(Notifications.MIGRATIONS)
        .table(Notifications.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("1").load()
        .migrate();
    Pool writer = TestDatabase.pool(vertx, db, 1);
    await(writer.query("CREATE TABLE " + ROTA_STAND_IN + " (queue_id text, weekday smallint, desk text, starts time,"
        + " ends time)").execute());
    await(writer.close());
    return db;
  }

  private UUID checkIn(QueueCommands commands, String name) {
    return await(commands.checkIn("q1", new CheckIn(new Patient(name, null, null, "+447700904000", null),
        Priority.NORMAL, null, null), "test")).entry().id();
  }

  private List<String> checkedIn(Pool pool) {
    return await(pool.query("SELECT entry_id::text FROM notify_intent WHERE kind = 'checked_in' ORDER BY event_id")
        .execute()).stream().map(r -> r.getString(0)).toList();
  }

  private <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
