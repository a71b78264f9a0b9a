package io.waitline.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.read.QueueReadModel;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A fresh real PostgreSQL database with queue-core's and access's migrations, two sites ({@link #NORTH},
 * {@link #SOUTH}), a clock tests move by hand and the module's services wired as the server wires them.
 */
final class AccessWorld implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-20T09:00:00Z");
  static final String NORTH = "north";
  static final String SOUTH = "south";
  static final String PASSWORD = "correct horse battery";
  /** The client address most sign-ins in these tests come from. */
  static final String HERE = "192.0.2.10";

  final Vertx vertx = Vertx.vertx();
  final TestClock clock = new TestClock(START);
  final PgConnectOptions db;
  final Pool pool;
  final int accessMigrationsApplied;
  final QueueCommands queues;
  final StaffAccounts accounts;
  final Sessions sessions;
  final FirstAdminSetup setup;
  final Devices devices;
  final AuditLog audit;

  AccessWorld() {
    this(PasswordHasher.forTests());
  }

  AccessWorld(PasswordHasher hasher) {
    db = TestDatabase.freshDatabase();
    accessMigrationsApplied = AccessMigrations.migrate(jdbcUrl(), db.getUser(), db.getPassword());
    pool = TestDatabase.pool(vertx, db, 16);
    queues = new QueueCommands(pool, new QueueStore(), e -> { }, new ServiceTimeEstimator(), clock);
    // what access asks of queue-core, answered through queue-core's API as the node wires it
    Sites sites = ids -> queues.sites().map(all -> {
      Set<String> unknown = new HashSet<>(ids);
      all.forEach(s -> unknown.remove(s.id()));
      return unknown;
    });
    AuditSubjects subjects = ids -> new QueueReadModel().entries(pool, ids).map(found -> {
      Map<UUID, AuditSubjects.Subject> named = new HashMap<>();
      for (Entry e : found) {
        named.put(e.id(), new AuditSubjects.Subject(e.patient().name(), e.patient().mrn(), e.ticket()));
      }
      return named;
    });
    accounts = new StaffAccounts(vertx, pool, hasher, sites, clock);
    sessions = new Sessions(pool, clock);
    setup = new FirstAdminSetup(pool, accounts, clock);
    devices = new Devices(pool, sites, clock);
    audit = new AuditLog(pool, subjects, clock);
    await(queues.createSite(new Site(NORTH, "North Clinic", ZoneId.of("Europe/London"), "en", "ticket")));
    await(queues.createSite(new Site(SOUTH, "South Clinic", ZoneId.of("Europe/London"), "en", "ticket")));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
  }

  StaffAccount account(String username, RoleGrant... roles) {
    return await(accounts.create(new NewAccount(username, "Name of " + username, PASSWORD, List.of(roles))));
  }

  /** A patient checked in at {@code siteId}, so audit records can name them. */
  Entry patient(String siteId, String name, String mrn) {
    String queueId = siteId + "-lab";
    if (await(pool.preparedQuery("SELECT 1 FROM service_queue WHERE id = $1").execute(Tuple.of(queueId))).size() == 0) {
      await(queues.createQueue(new ServiceQueue(queueId, siteId, "Lab", "L", OrderingRule.DEFAULT, 600, false, 1, 0)));
    }
    return await(queues.checkIn(queueId, new CheckIn(new Patient(name, null, mrn, null, null), Priority.NORMAL,
        null, null), "test")).entry();
  }

  Row row(String sql, Object... params) {
    var rs = await(pool.preparedQuery(sql).execute(Tuple.wrap(params)));
    assertThat(rs.size()).as("rows of " + sql).isEqualTo(1);
    return rs.iterator().next();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The refusal {@code f} fails with; the test fails if it succeeds or fails otherwise. */
  static AccessException refusal(Future<?> f) {
    Throwable err = failure(f);
    if (err instanceof AccessException a) return a;
    throw new AssertionError("expected an AccessException, got " + err, err);
  }

  static Throwable failure(Future<?> f) {
    try {
      Object value = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return fail("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    await(pool.close());
    await(vertx.close());
  }
}
