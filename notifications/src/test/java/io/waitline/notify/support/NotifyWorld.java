package io.waitline.notify.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.Notifications;
import io.waitline.notify.NotificationsConfig;
import io.waitline.notify.QuietHours;
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
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL with queue-core's and notifications' migrations, queue commands on a test clock, and a site in
 * London with queues created on demand. A test class takes a fresh one per test with
 * {@code @RegisterExtension final NotifyWorld world = NotifyWorld.start();}; what a test opens on it through
 * {@link #closing} and {@link #built} is closed with it, last opened first.
 */
public final class NotifyWorld implements AutoCloseable, AfterEachCallback {
  /** Friday 10:00 in London: outside any quiet hours. */
  public static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
  public static final ZoneId LONDON = ZoneId.of("Europe/London");
  public static final String SITE = "main";
  public static final String PUBLIC_URL = "https://waitline.test";
  /** How long a worker's claim on a message lasts: beyond every try of {@link Channels#fast()} at its time limit. */
  public static final Duration LEASE = Duration.ofMinutes(1);

  public final PgConnectOptions db;
  public final TestClock clock;
  public final Vertx vertx;
  public final Pool pool;
  public final QueueCommands commands;
  private final List<Runnable> onEvent = new ArrayList<>();
  private final Deque<AutoCloseable> closers = new ArrayDeque<>();
  private final AtomicInteger queues = new AtomicInteger();

  private NotifyWorld(PgConnectOptions db, TestClock clock) {
    this.db = db;
    this.clock = clock;
    this.vertx = Vertx.vertx();
    this.pool = TestDatabase.pool(vertx, db, 16);
    QueueEventPublisher publisher = e -> onEvent.forEach(Runnable::run);
    this.commands = new QueueCommands(pool, new QueueStore(), publisher, new ServiceTimeEstimator(), clock);
  }

  public static NotifyWorld start() {
    PgConnectOptions db = TestDatabase.freshDatabase();
    Notifications.migrate(jdbcUrl(db), db.getUser(), db.getPassword());
    NotifyWorld w = new NotifyWorld(db, TestClock.running(START));
    w.await(w.commands.createSite(new Site(SITE, "Main Street Clinic", LONDON, "en", "ticket")));
    return w;
  }

  public static String jdbcUrl(PgConnectOptions db) {
    return "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
  }

  /** Wakes {@code n} whenever a command commits, as the server does. */
  public void wakeOnEvents(Notifications n) {
    onEvent.add(n::wake);
  }

  /** Settings as in production, with quiet hours off and links under {@link #PUBLIC_URL}. */
  public static NotificationsConfig config(Function<String, String> overrides) {
    return NotificationsConfig.load(key -> {
      String v = overrides.apply(key);
      if (v != null) return v;
      return switch (key) {
        case "NOTIFY_QUIET_HOURS" -> "off";
        case "NOTIFY_POLL_MILLIS" -> "100";
        default -> null;
      };
    }, PUBLIC_URL);
  }

  public static NotificationsConfig config() {
    return config(k -> null);
  }

  /** A builder with this world's clock and short timings suited to tests. */
  public Notifications.Builder notifications(NotificationsConfig config) {
    return notifications(config, pool);
  }

  /** The same, on {@code pool} (e.g. one that counts statements). */
  public Notifications.Builder notifications(NotificationsConfig config, Pool pool) {
    return Notifications.builder(vertx, pool, config)
        .clock(clock)
        .timings(LEASE, Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(1));
  }

  /** {@code resource} (a fake provider, a mail server), closed when the world closes, before its database. */
  public <T extends AutoCloseable> T closing(T resource) {
    onClose(resource);
    return resource;
  }

  /** {@code action} runs when the world closes, before what was registered ahead of it. */
  public void onClose(AutoCloseable action) {
    closers.push(action);
  }

  /** The module {@code builder} makes, stopped when the world closes, before what was opened ahead of it. */
  public Notifications built(Notifications.Builder builder) {
    Notifications n = builder.build();
    onClose(() -> await(n.stop()));
    return n;
  }

  /** The same, with the event log read and everything due delivered: a test starts at the log's end. */
  public Notifications drained(Notifications.Builder builder) {
    Notifications n = built(builder);
    drain(n);
    return n;
  }

  /** The same, started as on a node: its pumps run and every committed command wakes it. */
  public Notifications running(Notifications.Builder builder) {
    Notifications n = built(builder);
    wakeOnEvents(n);
    await(n.start());
    return n;
  }

  /** Settings as in production, with Web Push allowed to reach the fake push service on this machine. */
  public static NotificationsConfig configWithLocalPushService() {
    return config(k -> k.equals("NOTIFY_WEB_PUSH_HOSTS") ? "127.0.0.1" : null);
  }

  public String newQueue() {
    String id = "q" + queues.incrementAndGet();
    await(commands.createQueue(new ServiceQueue(id, SITE, "Blood tests " + id, "A", OrderingRule.DEFAULT, 600,
        false, 1, 0)));
    return id;
  }

  public Entry checkIn(String queueId, String name, String phone, String email) {
    return checkIn(queueId, name, phone, email, Priority.NORMAL);
  }

  public Entry checkIn(String queueId, String name, String phone, String email, Priority priority) {
    return await(commands.checkIn(queueId, new CheckIn(new Patient(name, null, null, phone, email),
        priority, null, null), "test")).entry();
  }

  public Entry callNext(String queueId, String room) {
    return await(commands.callNext(queueId, room, "test"));
  }

  public String token(UUID entryId) {
    return await(commands.visitToken(entryId));
  }

  /** Reads the outbox and delivers until nothing is due (leases, backoffs and held messages are not waited for). */
  public void drain(Notifications n) {
    for (int i = 0; i < 200; i++) {
      int read = await(n.reader().poll());
      int sent = await(n.dispatcher().poll());
      if (read == 0 && sent == 0) return;
    }
    throw new AssertionError("notifications did not settle");
  }

  /** Intents of the world, as (kind, state, channel, ticket) rows plus the raw row. */
  public List<JsonObject> intents() {
    return await(pool.query("SELECT id, kind, state, channel, ticket, entry_id, provider_ref, last_error, dedupe_key,"
        + " claims, rounds FROM notify_intent ORDER BY created_at, dedupe_key").execute()).stream()
        .map(NotifyWorld::json).toList();
  }

  public List<JsonObject> attempts(UUID intentId) {
    return await(pool.preparedQuery("SELECT channel, outcome, provider_ref, detail FROM notify_attempt"
        + " WHERE intent_id = $1 ORDER BY id").execute(Tuple.of(intentId))).stream().map(NotifyWorld::json).toList();
  }

  private static JsonObject json(Row r) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < r.size(); i++) {
      Object v = r.getValue(i);
      o.put(r.getColumnName(i), v == null ? null : String.valueOf(v));
    }
    return o;
  }

  /** Waits until {@code check} passes (or the time is up, then rethrows its last failure). */
  public static void eventually(Duration within, Runnable check) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) throw e;
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  public <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static QuietHours quiet(String s) {
    return QuietHours.parse(s);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void close() throws Exception {
    try {
      while (!closers.isEmpty()) closers.pop().close();
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }
}
