package io.waitline.notify;

import static io.waitline.queue.Refused.Kind.CONFLICT;
import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.queue.Refused.Kind.NOT_FOUND;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.channel.ChannelGuard;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Recipient.WebPushSubscription;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.email.EmailChannel;
import io.waitline.notify.outbox.LongWaitScanner;
import io.waitline.notify.outbox.OutboxReader;
import io.waitline.notify.push.FcmPushChannel;
import io.waitline.notify.send.DispatchSettings;
import io.waitline.notify.send.Dispatcher;
import io.waitline.notify.send.GuardedChannel;
import io.waitline.notify.send.Pump;
import io.waitline.notify.sms.TwilioSmsChannel;
import io.waitline.notify.sms.TwilioWebhooks;
import io.waitline.notify.store.AttemptRow;
import io.waitline.notify.store.IntentRow;
import io.waitline.notify.store.NotifyStore;
import io.waitline.notify.store.QueueSettings;
import io.waitline.notify.store.SiteSettings;
import io.waitline.notify.webpush.WebPushChannel;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.read.QueueReadModel;
import io.waitline.queue.store.Migrations;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifications module as the server and the HTTP edge see it: it reads the queue event log into durable
 * intents, delivers them through the configured channels, and answers the patient and staff endpoints (preferences,
 * Web Push subscriptions, failed messages, Twilio webhooks).
 */
public final class Notifications {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  public static final String MIGRATIONS = "classpath:db/notifications";
  public static final String HISTORY_TABLE = "flyway_history_notifications";
  /** The staff view's states: messages that need a look, and everything else by name. */
  public static final Set<String> STATES = Set.of("pending", "held", "sending", "unknown", "sent", "delivered",
      "failed", "cancelled", "skipped");

  private final Vertx vertx;
  private final Pool pool;
  private final NotificationsConfig config;
  private final NotifyStore store = new NotifyStore();
  private final Map<Channel, GuardedChannel> channels;
  private final Dispatcher dispatcher;
  private final OutboxReader reader;
  private final LongWaitScanner longWaits;
  private final long longWaitScanMillis;
  private final TwilioWebhooks twilio;
  private final WebPushEndpoints endpoints;
  private final Clock clock;
  private final int workers;
  private final List<Pump> pumps = new ArrayList<>();
  private final List<Pump> dispatchPumps = new ArrayList<>();
  private Pump readerPump;
  private long scanTimer = -1;

  /** Applies this module's migrations (own location, own history table). Blocking: call at start-up. */
  public static int migrate(String jdbcUrl, String user, String password) {
    return Migrations.migrate(jdbcUrl, user, password, MIGRATIONS, HISTORY_TABLE);
  }

  /** Builds the channels the configuration names, with production resilience settings. */
  public static Notifications create(Vertx vertx, Pool pool, NotificationsConfig config) {
    return create(vertx, pool, config, Clock.systemUTC());
  }

  /** As above, on this clock (the node's commands' clock, which a test may move). */
  public static Notifications create(Vertx vertx, Pool pool, NotificationsConfig config, Clock clock) {
    Builder b = builder(vertx, pool, config).clock(clock);
    Resilience r = Resilience.defaults();
    if (config.twilio() != null) {
      var t = config.twilio();
      b.channel(new TwilioSmsChannel(vertx, new TwilioSmsChannel.Settings(t.accountSid(), t.authToken(), t.from(),
          t.messagingServiceSid(), config.publicUrl() + "/api/v1/twilio/message-status", null, r.timeout(), 8)),
          r.withRate(10));
    }
    if (config.fcm() != null) b.channel(new FcmPushChannel(vertx, firebase(config.fcm(), r.timeout()), 8), r.withRate(50));
    if (config.vapid() != null) {
      var v = config.vapid();
      b.channel(new WebPushChannel(vertx, new WebPushChannel.Settings(v.publicKey(), v.privateKey(), v.subject(),
          r.timeout())), r.withRate(50));
    }
    if (config.smtp() != null) {
      var s = config.smtp();
      b.channel(new EmailChannel(vertx, new EmailChannel.Settings(s.host(), s.port(), s.user(), s.password(),
          s.from(), s.tls(), s.caFile(), r.timeout())), r.withRate(10));
    }
    return b.build();
  }

  public static Builder builder(Vertx vertx, Pool pool, NotificationsConfig config) {
    return new Builder(vertx, pool, config);
  }

  /** Assembles a notifications module; tests use it to plug in channels and short timings. */
  public static final class Builder {
    private final Vertx vertx;
    private final Pool pool;
    private final NotificationsConfig config;
    private final Map<Channel, Map.Entry<NotificationChannel, Resilience>> channels = new EnumMap<>(Channel.class);
    private Clock clock = Clock.systemUTC();
    private String worker;
    private Duration lease = Duration.ofSeconds(120);
    private Duration unknownRecheck = Duration.ofSeconds(30);
    private Duration roundBackoff = Duration.ofSeconds(30);
    private Duration maxBackoff = Duration.ofMinutes(10);
    private Duration longWaitScan = Duration.ofSeconds(30);
    private int workers = 2;

    private Builder(Vertx vertx, Pool pool, NotificationsConfig config) {
      this.vertx = vertx;
      this.pool = pool;
      this.config = config;
    }

    public Builder channel(NotificationChannel channel, Resilience resilience) {
      channels.put(channel.channel(), Map.entry(channel, resilience));
      return this;
    }

    /** Each channel behind its guard, whose breaker keeps this module's clock. */
    private Map<Channel, GuardedChannel> guarded() {
      Map<Channel, GuardedChannel> out = new EnumMap<>(Channel.class);
      channels.forEach((ch, c) -> out.put(ch, new GuardedChannel(c.getKey(), new ChannelGuard(vertx, ch.wire(),
          c.getValue(), c.getKey().canProbe() ? c.getKey()::probe : null, clock))));
      return out;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** This node's name in leases and attempts. */
    public Builder worker(String worker) {
      this.worker = worker;
      return this;
    }

    public Builder timings(Duration lease, Duration unknownRecheck, Duration roundBackoff, Duration maxBackoff) {
      this.lease = lease;
      this.unknownRecheck = unknownRecheck;
      this.roundBackoff = roundBackoff;
      this.maxBackoff = maxBackoff;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** How often waiting patients are checked against their queue's long-wait threshold (30 s). */
    public Builder longWaitScan(Duration every) {
      this.longWaitScan = every;
      return this;
    }

    public Notifications build() {
      Map<Channel, GuardedChannel> guarded = guarded();
      Duration slowest = guarded.values().stream().map(c -> c.guard().longestCall()).max(Duration::compareTo)
          .orElse(Duration.ZERO);
      if (lease.compareTo(slowest) <= 0) {
        throw new IllegalArgumentException("the lease (" + lease + ") must outlast the slowest guarded call ("
            + slowest + ")");
      }
      return new Notifications(this, guarded);
    }
  }

  private Notifications(Builder b, Map<Channel, GuardedChannel> channels) {
    this.vertx = b.vertx;
    this.pool = b.pool;
    this.config = b.config;
    this.clock = b.clock;
    this.channels = Map.copyOf(channels);
    this.workers = b.workers;
    this.longWaitScanMillis = b.longWaitScan.toMillis();
    String worker = b.worker != null ? b.worker : hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Templates templates = new Templates();
    this.dispatcher = new Dispatcher(pool, store, new QueueReadModel(), channels, templates, new DispatchSettings(b.lease,
        b.unknownRecheck, b.roundBackoff, b.maxBackoff, 10, config.publicUrl(), config.phoneCountryCode(),
        config.quietHours(), config.staffEmail()), clock, worker);
    this.reader = new OutboxReader(pool, new EventLog(), store, config.defaultRules(), clock, 200);
    this.longWaits = new LongWaitScanner(pool, new QueueReadModel(), store, config.defaultRules(), clock);
    this.twilio = config.twilio() == null ? null : new TwilioWebhooks(pool, store, config.twilio().authToken(),
        templates, config.smsSenderName(), clock, this::wake);
    List<String> hosts = new ArrayList<>(WebPushEndpoints.KNOWN_SERVICES);
    hosts.addAll(config.webPushHosts());
    List<String> insecure = config.webPushHosts().stream().filter(h -> h.equals("localhost") || h.equals("127.0.0.1"))
        .toList();
    this.endpoints = new WebPushEndpoints(hosts, insecure);
  }

  // --- running

  /**
   * Starts reading the event log and delivering; completes once the reader knows where it stands. Logs which
   * channels are active.
   */
  public Future<Void> start() {
    Set<String> active = channels.keySet().stream().map(Channel::wire).collect(Collectors.toCollection(LinkedHashSet::new));
    LOG.info("Notifications active on channels {} (position alerts {}, quiet hours {}, worker {})", active,
        config.positionAlerts(), config.quietHours() == null ? "off" : config.quietHours(), dispatcher.worker());
    Context ctx = vertx.getOrCreateContext();
    long idle = config.pollInterval().toMillis();
    readerPump = new Pump(vertx, ctx, "reading queue events", idle, () -> reader.poll().map(n -> {
      if (n > 0) dispatchPumps.forEach(Pump::wake);
      return n;
    }));
    pumps.add(readerPump);
    for (int i = 0; i < workers; i++) {
      Pump p = new Pump(vertx, ctx, "delivering notifications", idle, dispatcher::poll);
      dispatchPumps.add(p);
      pumps.add(p);
    }
    Pump urgent = new Pump(vertx, ctx, "delivering urgent notifications", idle, dispatcher::pollUrgent);
    dispatchPumps.add(urgent);
    pumps.add(urgent);
    scanTimer = vertx.setPeriodic(Math.min(Math.max(idle, 1000), longWaitScanMillis), longWaitScanMillis,
        id -> scanLongWaits());
    // the first pass places the checkpoint (at the end of the log on a first start) before anyone is served
    return reader.poll().onComplete(ar -> pumps.forEach(Pump::start)).mapEmpty();
  }

  public Future<Void> stop() {
    if (scanTimer >= 0) vertx.cancelTimer(scanTimer);
    List<Future<Void>> stopping = new ArrayList<>();
    pumps.forEach(p -> stopping.add(p.stop()));
    return Future.join(stopping).compose(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      channels.values().forEach(c -> closing.add(c.channel().close()));
      return Future.join(closing);
    }).mapEmpty();
  }

  /** Reads the event log and delivers now rather than at the next poll (a hint; nothing depends on it). */
  public void wake() {
    if (readerPump != null) readerPump.wake();
    dispatchPumps.forEach(Pump::wake);
  }

  /** Passes events on to {@code delegate} and wakes the reader: committed events are noticed without waiting. */
  public QueueEventPublisher wakeOn(QueueEventPublisher delegate) {
    return event -> {
      delegate.publish(event);
      wake();
    };
  }

  /** One scan for patients waiting past their queue's threshold (staff alerts). */
  public Future<Integer> scanLongWaits() {
    return longWaits.scan().onSuccess(n -> {
      if (n > 0) dispatchPumps.forEach(Pump::wake);
    }).onFailure(err -> LOG.warn("Long-wait scan failed: {}", err.toString()));
  }

  // --- what the edge needs

  public Set<Channel> activeChannels() {
    return channels.keySet();
  }

  public Map<Channel, ChannelGuard> guards() {
    Map<Channel, ChannelGuard> out = new EnumMap<>(Channel.class);
    channels.forEach((k, v) -> out.put(k, v.guard()));
    return out;
  }

  public OutboxReader reader() {
    return reader;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /** The VAPID public key browsers subscribe with, or null when Web Push is not configured. */
  public String vapidPublicKey() {
    GuardedChannel c = channels.get(Channel.WEB_PUSH);
    return c == null ? null : ((WebPushChannel) c.channel()).publicKey();
  }

  /** Twilio's webhooks, or null when SMS is not configured. */
  public TwilioWebhooks twilio() {
    return twilio;
  }

  /** Stores a browser's PushSubscription ({@code endpoint}, {@code keys.p256dh}, {@code keys.auth}) for a visit. */
  public Future<Void> subscribeWebPush(String visitToken, JsonObject subscription) {
    String endpoint = subscription.getString("endpoint");
    JsonObject keys = subscription.getJsonObject("keys", new JsonObject());
    String p256dh = keys.getString("p256dh");
    String auth = keys.getString("auth");
    if (endpoint == null || p256dh == null || auth == null) {
      return invalid("A push subscription needs endpoint, keys.p256dh and keys.auth.");
    }
    String why = endpoints.check(endpoint);
    if (why != null) return invalid(why);
    byte[] key = decode(p256dh);
    byte[] secret = decode(auth);
    if (key == null || key.length != 65 || key[0] != 4) {
      return invalid("keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url).");
    }
    if (secret == null || secret.length != 16) return invalid("keys.auth must be 16 bytes, base64url.");
    return store.addWebPush(pool, visitToken, new WebPushSubscription(endpoint, p256dh, auth), clock.instant());
  }

  /** Stores a mobile app's FCM registration token for a visit. */
  public Future<Void> registerPushToken(String visitToken, String token, String platform) {
    if (token == null || token.isBlank() || token.length() > 4096) return invalid("The device token is missing.");
    return store.addPushToken(pool, visitToken, token.trim(), platform, clock.instant());
  }

  public Future<Preferences> preferences(String visitToken) {
    return store.preferences(pool, visitToken);
  }

  public Future<Preferences> savePreferences(String visitToken, Preferences p) {
    if (p.language() != null && !Templates.LANGUAGES.contains(p.language())) {
      return invalid("Messages are available in " + String.join(", ", Templates.LANGUAGES) + ".");
    }
    return store.savePreferences(pool, visitToken, p, clock.instant()).map(p);
  }

  /** Messages of a site in one state (e.g. failed), newest first, as staff see them: tickets, no names. */
  public Future<JsonArray> siteNotifications(String siteId, String state, int limit) {
    Set<String> states = state == null ? Set.of("failed", "unknown", "held") : Set.of(state);
    if (!STATES.containsAll(states)) return invalid("Unknown state '" + state + "'.");
    return store.intentsOfSite(pool, siteId, states, limit)
        .map(rows -> new JsonArray(rows.stream().map(Notifications::staffJson).toList()));
  }

  /** One message with every attempt: channel, outcome and what the provider said (staff). */
  public Future<JsonObject> notification(UUID id) {
    return store.intent(pool, id).compose(row -> {
      if (row == null) {
        return Future.failedFuture(new NotificationException(NOT_FOUND, "No notification with id '" + id + "'."));
      }
      return store.attempts(pool, id).map(attempts -> staffJson(row).put("attempts",
          new JsonArray(attempts.stream().map(Notifications::attemptJson).toList())));
    });
  }

  /** Every message of one visit entry, oldest first (staff). */
  public Future<JsonArray> entryNotifications(UUID entryId) {
    return store.intentsOfEntry(pool, entryId)
        .map(rows -> new JsonArray(rows.stream().map(Notifications::staffJson).toList()));
  }

  /** Staff retry of a failed, unknown, skipped or held message, with every channel back in play. */
  public Future<JsonObject> retry(UUID id) {
    return store.intent(pool, id).compose(row -> {
      if (row == null) {
        return Future.failedFuture(new NotificationException(NOT_FOUND, "No notification with id '" + id + "'."));
      }
      return store.retryNow(pool, id, clock.instant()).compose(ok -> {
        if (!ok) {
          return Future.<JsonObject>failedFuture(new NotificationException(CONFLICT,
              "This message is " + row.state() + "; only failed, unknown, skipped or held messages can be retried."));
        }
        wake();
        return store.intent(pool, id).map(Notifications::staffJson);
      });
    });
  }

  /**
   * Queues a payment receipt for a visit, sent by e-mail or SMS like any patient message; the same {@code key} queues
   * it once. {@code params} carry what the receipt template shows: amount, card (brand and last 4 only) and the
   * printable receipt's address.
   *
   * @return false when a receipt with this key was queued before
   */
  public Future<Boolean> sendReceipt(String key, UUID entryId, String siteId, String queueId, String ticket,
      JsonObject params) {
    IntentDraft draft = new IntentDraft("receipt:" + key, Kind.RECEIPT, null, entryId, siteId, queueId, ticket,
        params, null);
    return store.insertIntents(pool, List.of(draft), clock.instant()).map(n -> {
      if (n > 0) wake();
      return n > 0;
    });
  }

  public Future<QueueSettings> queueSettings(String queueId) {
    return store.queueSettings(pool, queueId).map(s -> s != null ? s
        : new QueueSettings(config.positionAlerts(), config.longWaitMinutes(), config.delayMinutes()));
  }

  public Future<QueueSettings> saveQueueSettings(String queueId, QueueSettings s) {
    return store.saveQueueSettings(pool, queueId, s, clock.instant()).map(s);
  }

  public Future<SiteSettings> siteSettings(String siteId) {
    return store.siteSettings(pool, siteId).map(s -> s != null ? s
        : new SiteSettings(config.quietHours(), config.staffEmail(), null));
  }

  public Future<SiteSettings> saveSiteSettings(String siteId, SiteSettings s) {
    return store.saveSiteSettings(pool, siteId, s, clock.instant()).map(s);
  }

  static JsonObject staffJson(IntentRow r) {
    return new JsonObject()
        .put("id", r.id().toString())
        .put("kind", r.kind().wire())
        .put("state", r.state())
        .put("ticket", r.ticket())
        .put("queueId", r.queueId())
        .put("entryId", r.entryId().toString())
        .put("urgent", r.urgent())
        .put("channel", r.channel() == null ? null : r.channel().wire())
        .put("excludedChannels", new JsonArray(r.excluded().stream().map(Channel::wire).toList()))
        .put("rounds", r.rounds())
        .put("claims", r.claims())
        .put("lastError", r.lastError())
        .put("createdAt", r.createdAt().toString())
        .put("updatedAt", r.updatedAt().toString())
        .put("sentAt", r.sentAt() == null ? null : r.sentAt().toString())
        .put("deliveredAt", r.deliveredAt() == null ? null : r.deliveredAt().toString())
        .put("nextAttemptAt", r.nextAttemptAt() == null ? null : r.nextAttemptAt().toString());
  }

  static JsonObject attemptJson(AttemptRow a) {
    return new JsonObject()
        .put("channel", a.channel().wire())
        .put("startedAt", a.startedAt().toString())
        .put("finishedAt", a.finishedAt() == null ? null : a.finishedAt().toString())
        .put("outcome", a.outcome())
        .put("detail", a.detail());
  }

  private static <T> Future<T> invalid(String sentence) {
    return Future.failedFuture(new NotificationException(INVALID, sentence));
  }

  private static byte[] decode(String b64url) {
    try {
      return Base64.getUrlDecoder().decode(b64url.replace('+', '-').replace('/', '_').replace("=", ""));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static FirebaseApp firebase(NotificationsConfig.Fcm fcm, Duration timeout) {
    try (InputStream in = new FileInputStream(fcm.credentialsFile())) {
      FirebaseOptions.Builder options = FirebaseOptions.builder()
          .setCredentials(GoogleCredentials.fromStream(in))
          .setConnectTimeout((int) timeout.toMillis())
          .setReadTimeout((int) timeout.toMillis());
      if (fcm.projectId() != null) options.setProjectId(fcm.projectId());
      return FirebaseApp.initializeApp(options.build(), "waitline-" + UUID.randomUUID());
    } catch (IOException e) {
      throw new IllegalArgumentException("FCM_CREDENTIALS_FILE " + fcm.credentialsFile()
          + " cannot be read as a service-account key: " + e.getMessage());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "node";
    }
  }
}
