package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Queue commands over a real embedded PostgreSQL with a test clock, recording every published event. One world per
 * test class, registered as a JUnit extension that starts it before the class's own {@code @BeforeAll} and closes
 * it after; tests keep apart by creating their own queues:
 * <pre>{@code @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);}</pre>
 */
final class QueueWorld implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  /** 09:00 in Paris on a Friday. */
  static final Instant START = Instant.parse("2026-11-20T08:00:00Z");
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final String SITE = "site-1";
  static final OrderingRule KEEP_PLACE = OrderingRule.DEFAULT;

  // set when the world starts (at construction, or before the test class for an extension)
  PgConnectOptions db;
  TestClock clock;
  Vertx vertx;
  Pool pool;
  QueueCommands commands;
  List<QueueEvent> published;
  private AtomicInteger queueCounter;
  private final int poolSize;

  private QueueWorld(int poolSize) {
    this.poolSize = poolSize;
  }

  private QueueWorld(PgConnectOptions db, TestClock clock, int poolSize, List<QueueEvent> published,
      AtomicInteger queueCounter) {
    this.poolSize = poolSize;
    init(db, clock, published, queueCounter);
  }

  private void init(PgConnectOptions db, TestClock clock, List<QueueEvent> published, AtomicInteger queueCounter) {
    this.db = db;
    this.clock = clock;
    this.vertx = Vertx.vertx();
    this.pool = TestDatabase.pool(vertx, db, poolSize);
    this.published = published;
    this.queueCounter = queueCounter;
    this.commands = new QueueCommands(pool, new QueueStore(), published::add, new ServiceTimeEstimator(), clock);
  }

  /** A world for each test class: a fresh database with one site in Paris, started before the class. */
  static QueueWorld perClass(int poolSize) {
    return new QueueWorld(poolSize);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    init(TestDatabase.freshDatabase(), new TestClock(START), new CopyOnWriteArrayList<>(), new AtomicInteger());
    get(commands.createSite(new Site(SITE, "Clinic", PARIS, "en", "ticket")));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** A fresh database with one site in Paris, on {@code clock}. */
  static QueueWorld start(int poolSize, TestClock clock) {
    QueueWorld w = new QueueWorld(TestDatabase.freshDatabase(), clock, poolSize, new CopyOnWriteArrayList<>(),
        new AtomicInteger());
    w.get(w.commands.createSite(new Site(SITE, "Clinic", PARIS, "en", "ticket")));
    return w;
  }

  /** The same database and clock in a new Vert.x instance and pool, as after a process restart. */
  QueueWorld restart(int poolSize) {
    close();
    return new QueueWorld(db, clock, poolSize, new CopyOnWriteArrayList<>(), queueCounter);
  }

  @Override
  public void close() {
    get(pool.close());
    get(vertx.close());
  }

  /** Waits for a future; failures are rethrown as they are. */
  <T> T get(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /** A new queue of the site, with a prefix of its own. */
  ServiceQueue queue(String prefix) {
    return queue(SITE, prefix, KEEP_PLACE, 1);
  }

  ServiceQueue queue(String siteId, String prefix, OrderingRule rule, int staff) {
    String id = "q-" + queueCounter.incrementAndGet();
    return get(commands.createQueue(new ServiceQueue(id, siteId, "Queue " + id, prefix, rule, 600, false, staff, 0)));
  }

  Entry checkIn(ServiceQueue q, String name) {
    return checkIn(q, name, Priority.NORMAL);
  }

  Entry checkIn(ServiceQueue q, String name, Priority priority) {
    return get(commands.checkIn(q.id(), new CheckIn(patient(name), priority, null, null), "desk")).entry();
  }

  /** An appointment announced for {@code at}; the patient has not arrived. */
  Entry expect(ServiceQueue q, String name, Instant at, String ref) {
    return get(commands.expect(q.id(), new CheckIn(patient(name), Priority.NORMAL, at, ref), "pms")).entry();
  }

  /**
   * A new queue holding one entry brought to {@code status} by the ordinary commands. A transferred entry went to
   * {@code transferTarget}.
   */
  Entry entryIn(Status status, ServiceQueue transferTarget) {
    ServiceQueue q = queue("S");
    QueueCommands c = commands;
    return switch (status) {
      case EXPECTED -> expect(q, "Ed Expected", clock.instant().plusSeconds(1800), "ref-" + q.id());
      case WAITING -> checkIn(q, "Wendy Waiting");
      case CALLED -> get(checkInThen(q, "Carl Called").compose(e -> c.callNext(q.id(), "Room 1", "desk")));
      case IN_SERVICE -> get(checkInThen(q, "Ines Seen").compose(e -> c.callNext(q.id(), "Room 1", "desk"))
          .compose(e -> c.startService(e.id(), "doc")));
      case COMPLETED -> get(checkInThen(q, "Cora Done").compose(e -> c.callNext(q.id(), "Room 1", "desk"))
          .compose(e -> c.startService(e.id(), "doc")).compose(e -> c.complete(e.id(), "doc")));
      case NO_SHOW -> get(checkInThen(q, "Nora Absent").compose(e -> c.callNext(q.id(), "Room 1", "desk"))
          .compose(e -> c.noShow(e.id(), "desk")));
      case CANCELLED -> get(checkInThen(q, "Cal Cancelled").compose(e -> c.cancel(e.id(), "desk")));
      case LEFT -> get(checkInThen(q, "Lea Left").compose(e -> c.leave(e.id(), "patient")));
      case TRANSFERRED -> get(checkInThen(q, "Tom Moved")
          .compose(e -> c.transfer(e.id(), transferTarget.id(), null, "desk").compose(moved -> c.entry(e.id()))));
    };
  }

  private Future<Entry> checkInThen(ServiceQueue q, String name) {
    return commands.checkIn(q.id(), new CheckIn(patient(name), Priority.NORMAL, null, null), "desk")
        .map(LinkedEntry::entry);
  }

  static Patient patient(String name) {
    return new Patient(name, null, null, "+33600000000", null);
  }

  Entry entry(Entry e) {
    return get(commands.entry(e.id()));
  }

  List<QueueEvent> events(ServiceQueue q) {
    return get(commands.eventsAfter(q.id(), 0, 100_000));
  }

  List<QueueEvent> published(ServiceQueue q) {
    return published.stream().filter(ev -> ev.queueId().equals(q.id())).toList();
  }

  long count(String sql, Object... args) {
    return get(pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  QueueSnapshot snapshot(ServiceQueue q) {
    return get(commands.snapshot(q.id()));
  }

  /** Waiting tickets in service order. */
  List<String> line(ServiceQueue q) {
    return snapshot(q).lineup().places().stream().map(p -> p.entry().ticket()).toList();
  }

  /** A refusal speaks to a person: a capitalised sentence without code words. */
  static void assertHumanSentence(Throwable t) {
    assertThat(t.getMessage()).isNotBlank().matches("^[A-Z].*[.!]$")
        .doesNotContain("null", "_", "Exception", "Status", "java.");
  }
}
