package io.waitline.insights;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Queue commands and insights over one real embedded PostgreSQL and one test clock: a test plays a clinic day by
 * setting the clock and running the commands staff would, then reads the figures.
 */
final class ClinicDay implements AutoCloseable {
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final Vertx vertx = Vertx.vertx();
  final Pool pool = TestDatabase.pool(vertx, migrated(TestDatabase.freshDatabase()), 4);
  final QueueCommands commands = new QueueCommands(pool, new QueueStore(), e -> {}, new ServiceTimeEstimator(), clock);
  final Insights insights = new Insights(pool, clock);
  final InsightsRollup rollup = new InsightsRollup(pool, clock);

  /** A fresh queue-core database with this module's migrations applied too. */
  private static PgConnectOptions migrated(PgConnectOptions db) {
    InsightsMigrations.migrate("jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase(),
        db.getUser(), db.getPassword());
    return db;
  }

  void site(String id, ZoneId zone) {
    get(commands.createSite(new Site(id, "Clinic " + id, zone, "en", "ticket")));
  }

  ServiceQueue queue(String siteId, String id, int maxWaitMinutes) {
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(maxWaitMinutes),
        TransferPolicy.KEEP_PLACE);
    return get(commands.createQueue(new ServiceQueue(id, siteId, "Queue " + id, id.toUpperCase(), rule, 600, false,
        1, 0)));
  }

  /** Commands over the same database and clock whose estimator shows every waiting patient {@code shown}. */
  QueueCommands showingEveryone(WaitEstimate shown) {
    return new QueueCommands(pool, new QueueStore(), e -> {},
        day -> day.waiting().stream().collect(Collectors.toMap(Entry::id, e -> shown)), clock);
  }

  /** Moves the clock to {@code instant} (ISO, UTC). */
  ClinicDay at(String instant) {
    clock.set(Instant.parse(instant));
    return this;
  }

  UUID walkIn(ServiceQueue q, Priority priority) {
    return walkIn(commands, q, priority);
  }

  UUID walkIn(QueueCommands through, ServiceQueue q, Priority priority) {
    return get(through.checkIn(q.id(), new CheckIn(patient(), priority, null, null), "desk")).entry().id();
  }

  UUID expect(ServiceQueue q, String appointmentAt) {
    return expect(q, appointmentAt, "pms");
  }

  /** An appointment at {@code appointmentAt} booked by {@code actor} (a pms-sync source is "source:" + its name). */
  UUID expect(ServiceQueue q, String appointmentAt, String actor) {
    return get(commands.expect(q.id(), new CheckIn(patient(), Priority.NORMAL, Instant.parse(appointmentAt),
        "appt-" + UUID.randomUUID()), actor)).entry().id();
  }

  /** Calls the first waiting patient and returns who it was. */
  UUID callNext(ServiceQueue q) {
    return get(commands.callNext(q.id(), "room 1", "desk")).id();
  }

  <T> T get(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  private static Patient patient() {
    return new Patient("Patient " + UUID.randomUUID(), null, null, null, null);
  }

  @Override
  public void close() {
    get(pool.close());
    get(vertx.close());
  }
}
