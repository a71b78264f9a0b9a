package io.waitline.pay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.waitline.notify.Notifications;
import io.waitline.pay.processor.CardProcessor;
import io.waitline.pay.processor.ProcessorGuard;
import io.waitline.pay.processor.Settlement;
import io.waitline.pay.report.Reconciliation;
import io.waitline.pay.sandbox.SandboxProcessor;
import io.waitline.pay.store.PaymentRow;
import io.waitline.pay.store.PaymentStore;
import io.waitline.pay.store.RefundRow;
import io.waitline.pay.store.Settings.QueueSetting;
import io.waitline.pay.store.Settings.Reader;
import io.waitline.pay.store.Settings.SiteSetting;
import io.waitline.pay.stripe.StripeProcessor;
import io.waitline.pay.stripe.StripeWebhooks;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.outbox.OutcomeOutbox;
import io.waitline.queue.store.Migrations;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment-gateway module as the server and the HTTP edge see it: co-pay settings, taking a visit's co-pay on a
 * card reader or in cash, refunds, receipts, the processor's webhooks and the end-of-day reconciliation. Visits are
 * read through queue-core's {@link QueueCommands}; receipts leave through {@link Notifications}.
 */
public final class Payments {
  private static final Logger LOG = LoggerFactory.getLogger(Payments.class);
  public static final String MIGRATIONS = "classpath:db/payments";
  /** Where co-pays and refunds end (succeeded, declined, refunded…), recorded when published to Kafka. */
  public static final Outbox OUTCOMES = new OutcomeOutbox("payment-outcomes", "payment outcomes", "payment_outcome",
      "/waitline/payments");
  public static final String HISTORY_TABLE = "flyway_history_payments";
  public static final Set<String> COLLECT = Set.of("kiosk", "desk", "none");
  public static final Set<String> STATIONS = Set.of("kiosk", "desk");
  /** Until a manager sets the site's currency. */
  public static final String DEFAULT_CURRENCY = "eur";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Pool pool;
  private final QueueCommands queues;
  private final Notifications notifications;
  private final PaymentsConfig config;
  private final PaymentStore store;
  private final ProcessorGuard guard;
  private final PaymentFlow flow;
  private final StripeWebhooks webhooks;
  private final Clock clock;
  private final Duration sweepEvery;
  private long sweepTimer = -1;

  /** Applies this module's migrations (own location, own history table). Blocking: call at start-up. */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Migrations.migrate(jdbcUrl, user, password, MIGRATIONS, HISTORY_TABLE);
  }

  /**
   * The processor the configuration names, with production timeouts, on this clock (the node's commands' clock,
   * which a test may move).
   *
   * @param publishOutcomes whether outcomes are recorded for a Kafka relay ({@link #OUTCOMES})
   */
  public static Payments create(Vertx vertx, Pool pool, QueueCommands queues, Notifications notifications,
      PaymentsConfig config, Clock clock, boolean publishOutcomes) {
    Builder b = builder(vertx, pool, queues, notifications, config).clock(clock).publishOutcomes(publishOutcomes);
    if (config.processor().equals(PaymentsConfig.STRIPE)) {
      b.processor(new StripeProcessor(config.stripeSecretKey(), config.stripeApiBase(), Duration.ofSeconds(5),
          Duration.ofSeconds(20)));
    }
    return b.build();
  }

  public static Builder builder(Vertx vertx, Pool pool, QueueCommands queues, Notifications notifications,
      PaymentsConfig config) {
    return new Builder(vertx, pool, queues, notifications, config);
  }

  /** Assembles the module; tests use it for a local Stripe, a test clock and short timings. */
  public static final class Builder {
    private final Vertx vertx;
    private final Pool pool;
    private final QueueCommands queues;
    private final Notifications notifications;
    private final PaymentsConfig config;
    private CardProcessor processor;
    private Clock clock = Clock.systemUTC();
    private Duration timeLimit = Duration.ofSeconds(25);
    private Duration resolveAfter = Duration.ofSeconds(60);
    private Duration sweepEvery = Duration.ofSeconds(15);
    private boolean publishOutcomes;

    private Builder(Vertx vertx, Pool pool, QueueCommands queues, Notifications notifications,
        PaymentsConfig config) {
      this.vertx = vertx;
      this.pool = pool;
      this.queues = queues;
      this.notifications = notifications;
      this.config = config;
    }

    public Builder processor(CardProcessor processor) {
      this.processor = processor;
      return this;
    }

    /**
     * Records every payment's and refund's outcome in the outbox {@link #OUTCOMES} for a Kafka relay to publish; off
     * (nothing recorded) unless the deployment publishes to Kafka.
     */
    public Builder publishOutcomes(boolean publish) {
      this.publishOutcomes = publish;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @param timeLimit the guard's limit on one processor call
     * @param resolveAfter how long an unknown payment waits before it is resolved by retrieving
     */
    public Builder timings(Duration timeLimit, Duration resolveAfter, Duration sweepEvery) {
      this.timeLimit = timeLimit;
      this.resolveAfter = resolveAfter;
      this.sweepEvery = sweepEvery;
      return this;
    }

    public Payments build() {
      if (resolveAfter.compareTo(timeLimit) <= 0) {
        throw new IllegalArgumentException("resolveAfter (" + resolveAfter + ") must outlast the time limit ("
            + timeLimit + ")");
      }
      return new Payments(this);
    }
  }

  private Payments(Builder b) {
    this.vertx = b.vertx;
    this.pool = b.pool;
    this.queues = b.queues;
    this.notifications = b.notifications;
    this.config = b.config;
    this.clock = b.clock;
    this.store = new PaymentStore(b.publishOutcomes);
    this.sweepEvery = b.sweepEvery;
    CardProcessor processor = b.processor != null ? b.processor : new SandboxProcessor(b.clock);
    this.guard = new ProcessorGuard(vertx, processor.name(), 8, b.timeLimit, Duration.ofSeconds(30));
    this.flow = new PaymentFlow(pool, store, processor, guard, clock, b.resolveAfter, this::paid);
    this.webhooks = config.stripeWebhookSecret() == null ? null
        : new StripeWebhooks(config.stripeWebhookSecret(), clock);
  }

  // --- running

  /** Resolves what a previous run left waiting on the processor, then keeps sweeping. */
  public Future<Void> start() {
    LOG.info("Payments through the {} processor", flow.processor().name());
    sweepTimer = vertx.setPeriodic(sweepEvery.toMillis(), id -> sweep());
    return sweep().mapEmpty();
  }

  public Future<Void> stop() {
    if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
    return guard.close();
  }

  /** One pass over payments and refunds waiting on the processor; the number looked at. */
  public Future<Integer> sweep() {
    return flow.sweep().onFailure(err -> LOG.warn("Payment sweep failed: {}", err.toString()));
  }

  public String processorName() {
    return flow.processor().name();
  }

  public ProcessorGuard guard() {
    return guard;
  }

  // --- settings (managers)

  public Future<SiteSetting> siteSetting(String siteId) {
    return queues.site(siteId).compose(site -> store.siteSetting(pool, siteId)).map(s -> s != null ? s
        : new SiteSetting(siteId, DEFAULT_CURRENCY, false));
  }

  public Future<SiteSetting> saveSiteSetting(SiteSetting s) {
    if (!Money.isCurrency(s.currency())) {
      return invalid("The currency must be an ISO 4217 code in lower case, e.g. eur or usd.");
    }
    return queues.site(s.siteId()).compose(site -> store.saveSiteSetting(pool, s, clock.instant())).map(s);
  }

  public Future<QueueSetting> queueSetting(String queueId) {
    return queues.queue(queueId).compose(q -> store.queueSetting(pool, queueId))
        .map(s -> s != null ? s : new QueueSetting(queueId, 0, "none"));
  }

  public Future<QueueSetting> saveQueueSetting(QueueSetting s) {
    if (s.amountMinor() < 0) return invalid("The co-pay cannot be negative.");
    if (!COLLECT.contains(s.collect())) return invalid("Collect must be kiosk, desk or none.");
    return queues.queue(s.queueId()).compose(q -> store.saveQueueSetting(pool, s, clock.instant())).map(s);
  }

  /** An amount a source (an appointment) carries for one visit; it wins over the queue's co-pay. */
  public Future<Void> setVisitAmount(UUID entryId, long amountMinor, String source) {
    if (amountMinor < 0) return invalid("The co-pay cannot be negative.");
    return queues.entry(entryId).compose(e -> store.saveVisitAmount(pool, entryId, amountMinor, source,
        clock.instant()));
  }

  /**
   * The co-pay an appointment source gave a visit of {@code siteId}, in the source's transaction {@code c} (the entry
   * may not be committed yet): {@code amount} in the currency's major unit as FHIR's Money has it, which must be the
   * site's currency. A null amount removes what this source set before (the desk's or another source's stays).
   */
  public Future<Void> setSourceAmount(SqlClient c, String siteId, UUID entryId, BigDecimal amount, String currency,
      String source) {
    if (amount == null) return store.clearVisitAmount(c, entryId, source);
    return store.siteSetting(c, siteId).compose(s -> {
      String takes = s != null ? s.currency() : DEFAULT_CURRENCY;
      String given = currency == null ? "" : currency.toLowerCase(Locale.ROOT);
      if (!given.equals(takes)) {
        return invalid("The appointment's co-pay is in " + given.toUpperCase(Locale.ROOT) + " but this site takes "
            + takes.toUpperCase(Locale.ROOT) + ".");
      }
      long minor;
      try {
        minor = Money.toMinor(amount, takes);
      } catch (IllegalArgumentException e) {
        return invalid(e.getMessage());
      }
      return store.saveVisitAmount(c, entryId, minor, source, clock.instant());
    });
  }

  public Future<List<Reader>> readers(String siteId) {
    return queues.site(siteId).compose(s -> store.readers(pool, siteId));
  }

  public Future<Reader> saveReader(Reader r) {
    if (!STATIONS.contains(r.station())) return invalid("A reader stands at a kiosk or at the desk.");
    if (r.readerId() == null || !r.readerId().matches("[A-Za-z0-9_\\-]{3,64}")) {
      return invalid("A reader id is 3 to 64 letters, digits, - or _ (e.g. tmr_FDOt2wlRZEdpd7).");
    }
    return queues.site(r.siteId()).compose(s -> store.saveReader(pool, r, clock.instant())).map(r);
  }

  // --- a visit's co-pay

  /** What a visit owes and how: amount, currency, where it is collected, and its live payment if any. */
  public Future<JsonObject> copay(UUID entryId) {
    return due(entryId).compose(d -> store.livePayment(pool, entryId).map(p -> new JsonObject()
        .put("entryId", entryId.toString())
        .put("ticket", d.entry().ticket())
        .put("amountMinor", d.amount())
        .put("currency", d.site().currency())
        .put("amount", Money.format(d.amount(), d.site().currency(), d.language()))
        .put("collect", d.queue().collect())
        .put("skippable", d.site().kioskSkippable())
        .put("payment", p == null ? null : json(p))));
  }

  private record Due(Entry entry, ServiceQueue serviceQueue, SiteSetting site, QueueSetting queue, long amount,
      String language) {}

  private Future<Due> due(UUID entryId) {
    return queues.entry(entryId).compose(e -> queues.queue(e.queueId()).compose(q -> queues.site(q.siteId())
        .compose((Site site) -> siteSetting(site.id()).compose(ss -> queueSetting(q.id())
            .compose(qs -> store.visitAmount(pool, entryId).map(own -> new Due(e, q, ss, qs,
                own != null ? own : qs.amountMinor(), site.language())))))));
  }

  /**
   * Takes a visit's co-pay by card on a reader at {@code station} ({@code readerId}, or the site's first reader
   * there). Two taps at once, or a tap while a payment is under way, continue the same payment: one intent, one
   * charge.
   */
  public Future<JsonObject> pay(UUID entryId, String station, String readerId, String actor) {
    if (!STATIONS.contains(station)) return invalid("A card is taken at a kiosk or at the desk.");
    return due(entryId).compose(d -> {
      if (d.queue().collect().equals("none") || d.amount() == 0) {
        return Future.failedFuture(new QueueException.Conflict("There is no co-pay to take for this visit."));
      }
      if (station.equals("kiosk") && d.queue().collect().equals("desk")) {
        return Future.failedFuture(new QueueException.Conflict("This co-pay is taken at the desk."));
      }
      return reader(d.serviceQueue().siteId(), station, readerId).compose(reader -> store.livePayment(pool, entryId)
          .compose(live -> {
            if (live != null) return Future.succeededFuture(live);
            PaymentRow fresh = newPayment(d, station, "card", flow.processor().name(), reader, 0, actor);
            return store.insert(pool, fresh).compose(inserted -> inserted ? Future.succeededFuture(fresh)
                : store.livePayment(pool, entryId)); // the other tap stored it first: continue that one
          })
          .compose(p -> {
            if (p.state() == PaymentState.SUCCEEDED) {
              return Future.failedFuture(new QueueException.Conflict("This visit's co-pay is already paid."));
            }
            if (p.method().equals("cash")) {
              return Future.failedFuture(new QueueException.Conflict("This visit's co-pay is recorded as cash."));
            }
            return flow.takeCard(p.id(), reader);
          }))
          .map(this::json);
    });
  }

  private Future<String> reader(String siteId, String station, String readerId) {
    return store.readers(pool, siteId).compose(readers -> {
      for (Reader r : readers) {
        if (readerId != null ? r.readerId().equals(readerId) : r.station().equals(station)) {
          return Future.succeededFuture(r.readerId());
        }
      }
      return Future.failedFuture(new QueueException.Conflict(readerId != null
          ? "The card reader '" + readerId + "' is not set up at this site."
          : "No card reader is set up at the " + station + " of this site. Please pay at the desk."));
    });
  }

  /** Records a co-pay paid in cash at the desk (the due amount unless {@code amountMinor} is given). */
  public Future<JsonObject> payCash(UUID entryId, Long amountMinor, String actor) {
    if (amountMinor != null && amountMinor <= 0) return invalid("A cash payment needs an amount above 0.");
    return due(entryId).compose(d -> {
      long amount = amountMinor != null ? amountMinor : d.amount();
      if (amount <= 0) return Future.failedFuture(new QueueException.Conflict("There is no co-pay to take for this"
          + " visit; give the amount received."));
      PaymentRow cash = newPayment(d, "desk", "cash", "cash", null, amount, actor);
      return store.insert(pool, cash).compose(inserted -> {
        if (!inserted) {
          return store.livePayment(pool, entryId).compose(live -> Future.failedFuture(new QueueException.Conflict(
              live != null && live.state() == PaymentState.SUCCEEDED ? "This visit's co-pay is already paid."
                  : "A card payment for this visit is under way; cancel it before recording cash.")));
        }
        return paid(cash).map(v -> json(cash));
      });
    });
  }

  private PaymentRow newPayment(Due d, String station, String method, String processor, String reader,
      long cashAmount, String actor) {
    Instant now = clock.instant();
    boolean cash = method.equals("cash");
    long amount = cash ? cashAmount : d.amount();
    return new PaymentRow(UUID.randomUUID(), d.entry().id(), d.serviceQueue().siteId(), d.serviceQueue().id(),
        d.entry().ticket(), station, method, processor, reader, amount, d.site().currency(),
        cash ? PaymentState.SUCCEEDED : PaymentState.CREATED, null, null, null, 0, cash ? amount : 0, 0, 0,
        cash ? "cash" : null, null, null, token(), actor, now, now, cash ? now : null);
  }

  /** Which visit and site a payment belongs to (for access checks and the audit log). */
  public record Whereabouts(UUID entryId, String siteId) {}

  public Future<Whereabouts> whereIs(UUID paymentId) {
    return store.payment(pool, paymentId).compose(p -> p == null
        ? Future.failedFuture(new QueueException.NotFound("No payment with id '" + paymentId + "'."))
        : Future.succeededFuture(new Whereabouts(p.entryId(), p.siteId())));
  }

  /** A payment as it stands, after asking the processor when it is waiting on the reader or a capture. */
  public Future<JsonObject> payment(UUID id) {
    return flow.refresh(id).map(this::json);
  }

  public Future<JsonObject> cancel(UUID id) {
    return flow.cancel(id).map(this::json);
  }

  /** Every payment of these visits, by entry id, for the desk's list. */
  public Future<JsonObject> paymentsOfEntries(List<UUID> entryIds) {
    return store.ofEntries(pool, entryIds).map(rows -> {
      JsonObject out = new JsonObject();
      for (PaymentRow p : rows) {
        JsonArray list = out.getJsonArray(p.entryId().toString());
        if (list == null) out.put(p.entryId().toString(), list = new JsonArray());
        list.add(json(p));
      }
      return out;
    });
  }

  // --- refunds (managers)

  public Future<JsonObject> refund(UUID paymentId, long amountMinor, String reason, String actor) {
    if (reason == null || reason.isBlank()) return invalid("A refund needs a reason.");
    return flow.refund(paymentId, amountMinor, reason.strip(), actor).compose(r -> store.payment(pool, paymentId)
        .map(p -> refundJson(r, p.currency())));
  }

  public Future<JsonArray> refunds(UUID paymentId) {
    return store.payment(pool, paymentId).compose(p -> p == null
        ? Future.failedFuture(new QueueException.NotFound("No payment with id '" + paymentId + "'."))
        : store.refundsOf(pool, List.of(paymentId)).map(rows -> new JsonArray(rows.stream()
            .map(r -> refundJson(r, p.currency())).toList())));
  }

  // --- receipts

  /** The printable receipt behind an unguessable token: amount, date, clinic, card brand and last 4 — no more. */
  public Future<JsonObject> receipt(String token) {
    return store.byReceiptToken(pool, token).compose(p -> {
      if (p == null || p.paidAt() == null) {
        return Future.failedFuture(new QueueException.NotFound("No receipt at this address."));
      }
      return queues.site(p.siteId()).map(site -> new JsonObject()
          .put("clinic", site.name())
          .put("ticket", p.ticket())
          .put("amountMinor", p.capturedMinor())
          .put("currency", p.currency())
          .put("amount", Money.format(p.capturedMinor(), p.currency(), site.language()))
          .put("refundedMinor", p.refundedMinor())
          .put("refunded", p.refundedMinor() == 0 ? null : Money.format(p.refundedMinor(), p.currency(),
              site.language()))
          .put("paidAt", p.paidAt().toString())
          .put("timeZone", site.zone().getId())
          .put("method", p.method())
          .put("cardBrand", p.cardBrand())
          .put("cardLast4", p.cardLast4())
          .put("reference", p.id().toString().substring(0, 8).toUpperCase(Locale.ROOT)));
    });
  }

  /** Sends the receipt of a paid co-pay again (desk). */
  public Future<JsonObject> resendReceipt(UUID paymentId) {
    return store.payment(pool, paymentId).compose(p -> {
      if (p == null) return Future.failedFuture(new QueueException.NotFound("No payment with id '" + paymentId + "'."));
      if (p.paidAt() == null) return Future.failedFuture(new QueueException.Conflict("This co-pay is not paid."));
      return sendReceipt(p, p.id() + ":" + clock.millis()).map(sent -> new JsonObject().put("queued", sent)
          .put("receiptUrl", receiptUrl(p)));
    });
  }

  /** The first success of a payment: its receipt is queued (a failure to queue it is logged, never undoes it). */
  private Future<Void> paid(PaymentRow p) {
    return sendReceipt(p, p.id().toString()).<Void>mapEmpty().recover(err -> {
      LOG.warn("Receipt of payment {} not queued: {}", p.id(), err.toString());
      return Future.succeededFuture();
    });
  }

  private Future<Boolean> sendReceipt(PaymentRow p, String key) {
    if (notifications == null) return Future.succeededFuture(false);
    return queues.site(p.siteId()).compose(site -> notifications.sendReceipt(key, p.entryId(), p.siteId(),
        p.queueId(), p.ticket(), new JsonObject()
            .put("amount", Money.format(p.capturedMinor(), p.currency(), site.language()))
            .put("card", p.method().equals("cash") ? "cash" : brand(p.cardBrand()) + " •••• " + p.cardLast4())
            .put("receipt", receiptUrl(p))));
  }

  private String receiptUrl(PaymentRow p) {
    return config.publicUrl() + "/receipts/" + p.receiptToken();
  }

  private static String brand(String brand) {
    if (brand == null) return "card";
    return brand.substring(0, 1).toUpperCase(Locale.ROOT) + brand.substring(1);
  }

  // --- webhooks

  /**
   * A Stripe webhook: verified by the SDK, recorded by event id and applied in the same transaction (a second
   * delivery of the same id changes nothing), only ever moving a payment forward whatever order events arrive in.
   *
   * @return {@code applied}, {@code duplicate} or {@code ignored}
   */
  public Future<String> stripeWebhook(String payload, String signatureHeader) {
    if (webhooks == null) {
      return Future.failedFuture(new QueueException.NotFound("Stripe webhooks are not configured here."));
    }
    StripeWebhooks.Verified event;
    try {
      event = webhooks.verify(payload, signatureHeader);
    } catch (QueueException e) {
      return Future.failedFuture(e);
    }
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.recordEvent(c, event.eventId(), event.type(), event.objectRef(),
        !(event.effect() instanceof StripeWebhooks.Effect.Ignored), now).compose(fresh -> {
          if (!fresh) return Future.succeededFuture(new Applied("duplicate", null));
          if (event.effect() instanceof StripeWebhooks.Effect.OnIntent on) {
            return store.byIntent(c, on.intentRef()).compose(p -> p == null
                ? Future.succeededFuture(new Applied("ignored", null))
                : store.advance(c, p.id(), on.update(), now).map(ok -> new Applied(ok ? "applied" : "ignored",
                    ok ? p.id() : null)));
          }
          if (event.effect() instanceof StripeWebhooks.Effect.OnRefund on) {
            return store.settleRefund(c, UUID.fromString(on.refundId()), on.state(), on.refundRef(), on.failure(), now)
                .map(ok -> new Applied(ok ? "applied" : "ignored", null));
          }
          return Future.succeededFuture(new Applied("ignored", null));
        }))
        .compose(a -> a.paymentId() == null ? Future.succeededFuture(a.outcome())
            : flow.afterAdvance(a.paymentId(), true).map(a.outcome()));
  }

  private record Applied(String outcome, UUID paymentId) {}

  // --- reconciliation (managers)

  /** The site's day (its time zone): every recorded payment and refund next to the processor's bookings. */
  public Future<Reconciliation> reconciliation(String siteId, LocalDate day) {
    return queues.site(siteId).compose(site -> siteSetting(siteId).compose(ss -> {
      Instant from = day.atStartOfDay(site.zone()).toInstant();
      Instant to = day.plusDays(1).atStartOfDay(site.zone()).toInstant();
      return store.ofSite(pool, siteId, from, to).compose(payments -> store.refundsOf(pool,
              payments.stream().map(PaymentRow::id).toList())
          .compose(refunds -> guard.call(() -> flow.processor().settlements(from, to))
              .compose(settlements -> guard.call(() -> flow.processor().payouts(from, to)).compose(payouts -> {
                List<String> refs = new ArrayList<>(settlements.stream().map(Settlement::sourceRef).toList());
                payouts.forEach(po -> po.bookings().forEach(b -> refs.add(b.sourceRef())));
                return store.refsOfOtherSites(pool, siteId, refs).compose(others -> store.refsOfSite(pool, siteId,
                        refs)
                    .map(ours -> Reconciliation.of(siteId, day, from, to, ss.currency(), site.language(), payments,
                        refunds, settlements, payouts, others, ours)));
              }))));
    }));
  }

  // --- wire

  JsonObject json(PaymentRow p) {
    return new JsonObject()
        .put("id", p.id().toString())
        .put("entryId", p.entryId().toString())
        .put("siteId", p.siteId())
        .put("ticket", p.ticket())
        .put("station", p.station())
        .put("method", p.method())
        .put("processor", p.processor())
        .put("readerId", p.readerId())
        .put("state", p.state().wire())
        .put("amountMinor", p.amountMinor())
        .put("currency", p.currency())
        .put("amount", Money.format(p.amountMinor(), p.currency(), "en"))
        .put("capturedMinor", p.capturedMinor())
        .put("refundedMinor", p.refundedMinor())
        .put("refundableMinor", p.refundableMinor())
        .put("cardBrand", p.method().equals("cash") ? null : p.cardBrand())
        .put("cardLast4", p.cardLast4())
        .put("failure", p.failure())
        .put("attempts", p.attempts())
        .put("receiptUrl", p.paidAt() == null ? null : receiptUrl(p))
        .put("createdAt", p.createdAt().toString())
        .put("paidAt", p.paidAt() == null ? null : p.paidAt().toString());
  }

  private static JsonObject refundJson(RefundRow r, String currency) {
    return new JsonObject()
        .put("id", r.id().toString())
        .put("paymentId", r.paymentId().toString())
        .put("amountMinor", r.amountMinor())
        .put("currency", currency)
        .put("reason", r.reason())
        .put("state", r.state())
        .put("failure", r.failure())
        .put("createdBy", r.createdBy())
        .put("createdAt", r.createdAt().toString());
  }

  private static String token() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static <T> Future<T> invalid(String sentence) {
    return Future.failedFuture(new QueueException.Invalid(sentence));
  }
}
