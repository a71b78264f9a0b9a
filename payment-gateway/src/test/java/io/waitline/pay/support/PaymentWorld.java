package io.waitline.pay.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.Notifications;
import io.waitline.notify.NotificationsConfig;
import io.waitline.pay.Payments;
import io.waitline.pay.PaymentsConfig;
import io.waitline.pay.processor.CardProcessor;
import io.waitline.pay.store.Settings.QueueSetting;
import io.waitline.pay.store.Settings.Reader;
import io.waitline.pay.store.Settings.SiteSetting;
import io.waitline.pay.stripe.StripeProcessor;
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
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Payments over a real embedded PostgreSQL (queue-core, notifications and payments migrated), real queue commands, a
 * test clock, and the real stripe-java SDK talking to {@link LocalStripe}. A site "main" in Paris charges €20.00 at the
 * kiosk of its queue "general"; reader {@code tmr_kiosk} stands at the kiosk and {@code tmr_desk} at the desk. A test
 * class takes a fresh one per test with {@code @RegisterExtension final PaymentWorld w = PaymentWorld.start();}: JUnit
 * makes an instance per test, and the world closes itself after it.
 */
public final class PaymentWorld implements AutoCloseable, AfterEachCallback {
  /** 10:00 in Paris. */
  public static final Instant START = Instant.parse("2026-11-20T09:00:00Z");
  public static final LocalDate DAY = LocalDate.of(2026, 11, 20);
  public static final String SITE = "main";
  public static final String QUEUE = "general";
  public static final String KIOSK_READER = "tmr_kiosk";
  public static final String DESK_READER = "tmr_desk";
  /**
   * The SDK's read timeout: short, so a hanging processor costs a test little time, yet long enough for a first call
   * in a cold JVM on a busy machine. The guard's limit is 2.5 times longer.
   */
  public static final Duration READ_TIMEOUT = Duration.ofMillis(2000);
  public static final Duration RESOLVE_AFTER = Duration.ofMinutes(1);

  public final PgConnectOptions db;
  public final TestClock clock;
  public final Vertx vertx;
  public final Pool pool;
  public final QueueCommands queues;
  public final Notifications notifications;
  public final LocalStripe stripe;
  public Payments payments;
  private final AtomicInteger patients = new AtomicInteger();

  private PaymentWorld(PgConnectOptions db, TestClock clock, Vertx vertx, LocalStripe stripe) {
    this.db = db;
    this.clock = clock;
    this.vertx = vertx;
    this.pool = TestDatabase.pool(vertx, db, 8);
    this.queues = new QueueCommands(pool, new QueueStore(), e -> { }, new ServiceTimeEstimator(), clock);
    this.notifications = Notifications.builder(vertx, pool, NotificationsConfig.load(k -> null,
        "https://clinic.test")).clock(clock).build();
    this.stripe = stripe;
    this.payments = payments(stripeProcessor());
  }

  /** A fresh database and a fresh local Stripe with both readers online. */
  public static PaymentWorld start() {
    PgConnectOptions db = TestDatabase.freshDatabase();
    String jdbc = "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
    Notifications.migrate(jdbc, db.getUser(), db.getPassword());
    Payments.migrate(jdbc, db.getUser(), db.getPassword());
    TestClock clock = new TestClock(START);
    Vertx vertx = Vertx.vertx();
    LocalStripe stripe = new LocalStripe(vertx, clock);
    stripe.addReader(KIOSK_READER, true);
    stripe.addReader(DESK_READER, true);
    PaymentWorld w = new PaymentWorld(db, clock, vertx, stripe);
    w.get(w.queues.createSite(new Site(SITE, "Main Street Clinic", ZoneId.of("Europe/Paris"), "en", "ticket")));
    w.get(w.queues.createQueue(new ServiceQueue(QUEUE, SITE, "General", "A", OrderingRule.DEFAULT, 600, false, 1, 0)));
    w.get(w.payments.saveSiteSetting(new SiteSetting(SITE, "eur", true)));
    w.get(w.payments.saveQueueSetting(new QueueSetting(QUEUE, 2000, "kiosk")));
    w.get(w.payments.saveReader(new Reader(KIOSK_READER, SITE, "kiosk", "Kiosk 1")));
    w.get(w.payments.saveReader(new Reader(DESK_READER, SITE, "desk", "Front desk")));
    w.warmUp();
    return w;
  }

  public StripeProcessor stripeProcessor() {
    return new StripeProcessor(LocalStripe.SECRET_KEY, stripe.apiBase(), READ_TIMEOUT, READ_TIMEOUT);
  }

  /** A payments module on this world's database; several may run at once, like several nodes. */
  public Payments payments(CardProcessor processor) {
    return payments(vertx, pool, queues, notifications, processor, false);
  }

  /** A payments module on this world's local Stripe that records outcomes for Kafka, as on a node that uses it. */
  public Payments publishingOutcomes() {
    return payments(vertx, pool, queues, notifications, stripeProcessor(), true);
  }

  /** Another node: its own Vert.x, pool and payments module on the same database and the same local Stripe. */
  public Node node() {
    Vertx v = Vertx.vertx();
    Pool p = TestDatabase.pool(v, db, 4);
    QueueCommands q = new QueueCommands(p, new QueueStore(), e -> { }, new ServiceTimeEstimator(), clock);
    return new Node(v, payments(v, p, q, null, stripeProcessor(), false));
  }

  /** A node that can be killed: closing its Vert.x stops its event loops, workers and connections at once. */
  public record Node(Vertx vertx, Payments payments) {
    public void kill() {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(e);
      }
    }
  }

  private Payments payments(Vertx vertx, Pool pool, QueueCommands queues, Notifications notifications,
      CardProcessor processor, boolean publishOutcomes) {
    return Payments.builder(vertx, pool, queues, notifications, new PaymentsConfig("stripe", LocalStripe.SECRET_KEY,
            LocalStripe.WEBHOOK_SECRET, stripe.apiBase(), "https://clinic.test"))
        .processor(processor)
        .publishOutcomes(publishOutcomes)
        .clock(clock)
        .timings(READ_TIMEOUT.multipliedBy(5).dividedBy(2), RESOLVE_AFTER, Duration.ofHours(1))
        .build();
  }

  /** A walk-in checked in to "general", with an e-mail address for receipts. */
  public Entry checkIn() {
    int n = patients.incrementAndGet();
    return get(queues.checkIn(QUEUE, new CheckIn(new Patient("Patient " + n, LocalDate.of(1980, 1, 1), null, null,
        "patient" + n + "@example.test"), Priority.NORMAL, null, null), "kiosk")).entry();
  }

  /** A walk-in whose co-pay (from its appointment source) is {@code amountMinor}. */
  public Entry checkInOwing(long amountMinor) {
    Entry e = checkIn();
    get(payments.setVisitAmount(e.id(), amountMinor, "test"));
    return e;
  }

  /**
   * Loads the SDK's classes and opens a connection with one read: in a cold JVM on a busy machine the first call can
   * take longer than the tests' short read timeout, which would look like a hanging processor.
   */
  private void warmUp() {
    try {
      testClient().terminal().readers().retrieve(KIOSK_READER);
      stripe.forgetRequests();
    } catch (com.stripe.exception.StripeException e) {
      throw new AssertionError(e);
    }
  }

  private com.stripe.StripeClient testClient() {
    return new com.stripe.StripeClient.StripeClientBuilder().setApiKey(LocalStripe.SECRET_KEY)
        .setApiBase(stripe.apiBase()).build();
  }

  /** The kiosk asks to take {@code visit}'s co-pay on its own reader: the payment as the kiosk is told. */
  public JsonObject payAtKiosk(Entry visit) {
    return get(payments.pay(visit.id(), "kiosk", null, "kiosk"));
  }

  /** A kiosk co-pay whose card was just tapped: Stripe holds an authorization, Waitline does not know it yet. */
  public JsonObject tappedAtKiosk(Entry visit) {
    JsonObject p = payAtKiosk(visit);
    tapCard(KIOSK_READER);
    return p;
  }

  /** A kiosk co-pay for {@code visit}, paid by card: the payment as it stands after the tap. */
  public JsonObject paidByCard(Entry visit) {
    return get(payments.payment(id(tappedAtKiosk(visit))));
  }

  /** The patient taps a test card on the reader (Stripe's test helper, through the SDK). */
  public void tapCard(String readerId) {
    try {
      testClient().testHelpers().terminal().readers().presentPaymentMethod(readerId);
    } catch (com.stripe.exception.StripeException e) {
      throw new AssertionError(e);
    }
  }

  /** Stripe posts a signed webhook now; what Waitline answered ({@code applied}, {@code duplicate}, {@code ignored}). */
  public String deliver(JsonObject event) {
    String payload = event.encodePrettily();
    return get(payments.stripeWebhook(payload, LocalStripe.sign(payload, clock.instant().getEpochSecond(),
        LocalStripe.WEBHOOK_SECRET)));
  }

  /** Rows of a query, for checks on what is stored. */
  public List<Row> rows(String sql, Object... params) {
    List<Row> out = new ArrayList<>();
    get(pool.preparedQuery(sql).execute(Tuple.from(params))).forEach(out::add);
    return out;
  }

  public long count(String sql, Object... params) {
    return rows(sql, params).get(0).getLong(0);
  }

  /** The state of {@code payment} as a fresh read finds it (a read may resolve or capture it). */
  public String stateOf(JsonObject payment) {
    return get(payments.payment(id(payment))).getString("state");
  }

  public UUID id(JsonObject payment) {
    return UUID.fromString(payment.getString("id"));
  }

  /** Waits for a future; failures are rethrown as they are. */
  public <T> T get(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    stripe.close();
    get(payments.stop());
    get(pool.close());
    get(vertx.close());
  }
}
