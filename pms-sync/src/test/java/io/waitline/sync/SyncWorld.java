package io.waitline.sync;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceResilience;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * pms-sync over a real embedded PostgreSQL with queue-core's commands, a test clock and recorded queue events. One
 * node; {@link #secondNode()} adds another on the same database.
 */
final class SyncWorld implements AutoCloseable, AfterEachCallback {
  /** 08:00 in Paris on a Friday. */
  static final Instant START = Instant.parse("2026-11-20T07:00:00Z");
  /** 10:00 in Paris on the world's day: when the tests' appointments start. */
  static final Instant TEN = Instant.parse("2026-11-20T09:00:00Z");
  static final String SITE = "clinic";
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k');

  final PgConnectOptions db;
  final TestClock clock;
  private final List<FhirTestServer> servers = new CopyOnWriteArrayList<>();
  final Vertx vertx;
  final Pool pool;
  final QueueCommands commands;
  final List<QueueEvent> published = new CopyOnWriteArrayList<>();
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  final SyncService sync;
  /** Every co-pay the pipeline handed on, by entry: the appointment's amount, or empty when it was removed. */
  final Map<UUID, Optional<SourceAppointment.Copay>> copays = new ConcurrentHashMap<>();
  /** When set, the co-pay side refuses every amount with this sentence (as payments does for another currency). */
  volatile String refuseCopays;

  private SyncWorld(PgConnectOptions db, TestClock clock, SyncSettings settings, String node) {
    this.db = db;
    this.clock = clock;
    this.vertx = Vertx.vertx();
    this.pool = TestDatabase.pool(vertx, db, 6);
    this.commands = new QueueCommands(pool, new QueueStore(), published::add, new ServiceTimeEstimator(), clock);
    this.sync = new SyncService(vertx, pool, commands, KEY, clock, settings, metrics, node, this::copay);
  }

  private Future<Void> copay(SqlClient c, String siteId, UUID entryId, SourceAppointment.Copay copay, String source) {
    if (refuseCopays != null) return Future.failedFuture(new QueueException.Invalid(refuseCopays));
    copays.put(entryId, Optional.ofNullable(copay));
    return Future.succeededFuture();
  }

  /**
   * Short backoff, two attempts per call, a breaker that opens when half of the last 8 calls failed, a 10 s time
   * limit (a shared build machine can be slow to answer the first request of a JVM).
   */
  static SyncSettings testSettings() {
    return testSettings(Duration.ofSeconds(10));
  }

  static SyncSettings testSettings(Duration timeout) {
    return new SyncSettings(new SourceResilience(50, 8, 8, Duration.ofSeconds(60), 1, 2, Duration.ofMillis(20),
        0.5, timeout), Duration.ofSeconds(30), Duration.ofSeconds(1), 10, 4, false);
  }

  /** A fresh database with site {@code clinic} (Paris) and queues {@code general} and {@code lab}. */
  static SyncWorld start() {
    return start(testSettings());
  }

  static SyncWorld start(SyncSettings settings) {
    PgConnectOptions db = TestDatabase.freshDatabase();
    String jdbc = "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
    SyncService.migrate(jdbc, db.getUser(), db.getPassword());
    SyncWorld w = new SyncWorld(db, new TestClock(START), settings, "node-a");
    w.get(w.commands.createSite(new Site(SITE, "Clinic", ZoneId.of("Europe/Paris"), "en", "ticket")));
    w.get(w.commands.createQueue(new ServiceQueue("general", SITE, "General", "A", OrderingRule.DEFAULT, 600,
        false, 1, 0)));
    w.get(w.commands.createQueue(new ServiceQueue("lab", SITE, "Lab", "B", OrderingRule.DEFAULT, 300, false, 1, 0)));
    return w;
  }

  /** Another node on the same database and clock. */
  SyncWorld secondNode() {
    return new SyncWorld(db, clock, testSettings(), "node-b");
  }

  /** A source definition of {@code kind} named {@code name}; a test puts in what else its source needs. */
  static JsonObject definition(String kind, String name, JsonObject mapping) {
    return new JsonObject().put("kind", kind).put("name", name).put("mapping", mapping);
  }

  /** A FHIR R4 source's definition, reading the server at {@code baseUrl}. */
  static JsonObject fhirDefinition(String name, String baseUrl, JsonObject mapping) {
    return definition("fhir-r4", name, mapping).put("baseUrl", baseUrl);
  }

  /** A source of the site, as {@code definition} says. */
  Source create(JsonObject definition) {
    return get(sync.create(SITE, definition));
  }

  /** A FHIR source of the site, everything to {@code general} unless its location is the lab. */
  Source fhirSource(String name, String baseUrl, JsonObject auth) {
    return create(fhirDefinition(name, baseUrl, new JsonObject()
            .put("mrnSystem", "urn:oid:1.2.36.146.595.217.0.1")
            .put("defaultQueue", "general")
            .put("queues", new JsonArray().add(new JsonObject().put("match", "location").put("value", "Location/lab")
                .put("queue", "lab"))))
        .put("auth", auth)
        .put("schedule", new JsonObject().put("everySeconds", 60).put("daysAhead", 2).put("skewSeconds", 120)));
  }

  Source fhirSource(String name, String baseUrl) {
    return fhirSource(name, baseUrl, new JsonObject().put("type", "none"));
  }

  <T> T get(Future<T> f) {
    return get(f, 60);
  }

  /** The result of work that takes long by design (thousands of records), waiting at most {@code seconds}. */
  <T> T get(Future<T> f, int seconds) {
    try {
      return f.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + seconds + " s", e);
    }
  }

  /** The failure of a future that must fail. */
  Throwable failure(Future<?> f) {
    try {
      f.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure, got success");
  }

  List<Entry> entries(String queueId) {
    return get(commands.snapshot(queueId)).entries();
  }

  /** Today's and tomorrow's entries of the site (every status). */
  List<Entry> siteEntries() {
    return get(pool.preparedQuery("SELECT id FROM entry ORDER BY created_at, id").execute())
        .stream().map(r -> get(commands.entry(r.getUUID("id")))).toList();
  }

  Entry entryFor(Source s, String appointmentId) {
    String ref = s.id() + ":Appointment/" + appointmentId;
    return siteEntries().stream().filter(e -> ref.equals(e.appointmentRef())).findFirst()
        .orElseThrow(() -> new AssertionError("no entry for " + ref));
  }

  long count(String sql, Object... args) {
    return get(pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  /** Waits (in real time, at most 30 s) for something another thread or node does. */
  static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 30 s");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A FHIR server on this world's clock, closed (its held requests released) before the world closes. */
  FhirTestServer fhirServer(int defaultPageSize) {
    FhirTestServer server = new FhirTestServer(clock, defaultPageSize);
    servers.add(server);
    return server;
  }

  /** Closes this after each test, for a test class that holds it in a {@code @RegisterExtension} field. */
  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    servers.forEach(FhirTestServer::close);
    get(sync.stop());
    get(pool.close());
    get(vertx.close());
  }
}
