package io.waitline.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.waitline.access.AccessMigrations;
import io.waitline.access.PasswordHasher;
import io.waitline.edge.feed.LiveFeeds;
import io.waitline.edge.oidc.OidcSettings;
import io.waitline.edge.oidc.OidcSignIn;
import io.waitline.edge.pipeline.AccessChanges;
import io.waitline.edge.pipeline.AccessServices;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.pipeline.RateLimitStore;
import io.waitline.insights.InsightsMigrations;
import io.waitline.insights.InsightsRollup;
import io.waitline.notify.Notifications;
import io.waitline.notify.NotificationsConfig;
import io.waitline.notify.store.NotifyRetention;
import io.waitline.pay.Payments;
import io.waitline.pay.PaymentsConfig;
import io.waitline.pay.store.PaymentRetention;
import io.waitline.pay.store.Settings;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.SimulatedWaitEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.PgNotifyRelay;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.event.kafka.KafkaEvents;
import io.waitline.queue.event.kafka.KafkaSettings;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.store.Migrations;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.VisitRetention;
import io.waitline.sync.SyncService;
import io.waitline.edge.fhir.FhirApi;
import io.waitline.sync.SyncSettings;
import io.waitline.sync.store.SyncRetention;
import io.waitline.sync.pipeline.VisitAmounts;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Waitline node, wired the one way production and the tests share: the migrations, the database pool, the
 * commands with their publisher chain (event bus, notifications' wake-up, and to the other nodes PostgreSQL
 * LISTEN/NOTIFY or, when configured, Kafka), the access services, notifications, payments (co-pays), appointment
 * sources (pms-sync), and the HTTP edge deployed as one {@link EdgeVerticle} per core.
 *
 * <p>What the edge instances share, and how: the database (the pool, the rate-limit buckets in PostgreSQL, so all
 * instances and nodes spend one budget), the commands and access services (stateless over the pool), the identity
 * provider (discovered once). Each instance keeps its own live-feed hub: the event bus hands every event to each
 * instance's one consumer per address, on that instance's own event loop, so a feed never waits for another core.
 */
public final class WaitlineNode {
  private static final Logger LOG = LoggerFactory.getLogger(WaitlineNode.class);
  private static final long REORDER_CHECK_MS = 30_000;
  /** Records per retention batch (one transaction each). */
  private static final int RETENTION_BATCH = 500;
  private static final long RATE_LIMIT_CLEANUP_MS = 60_000;
  /** How often a node looks into the csv sources' drop folders. */
  private static final Duration DROP_FOLDER_SCAN = Duration.ofSeconds(5);
  /** The modules' outcome outboxes, each relayed to its own topic when the node uses Kafka. */
  public static final List<Outbox> OUTCOME_OUTBOXES = List.of(Notifications.OUTCOMES, Payments.OUTCOMES,
      SyncService.RESULTS);

  /** How to build a node; the defaults are production's. */
  public static final class Options {
    private final PgConnectOptions database;
    private final String publicUrl;
    private int poolSize = 10;
    private String host = "0.0.0.0";
    private int port = 8080;
    private PemKeyCertOptions tls;
    private boolean secure;
    private OidcSettings oidc;
    private ClientAddress clientAddress = ClientAddress.TCP_PEER;
    private Runnable onSetupComplete = () -> { };
    private Consumer<Optional<String>> onSetupCode = code -> { };
    private NotificationsConfig notifications;
    private PaymentsConfig payments;
    private String sourcesSecretsKey;
    private SyncSettings syncSettings = SyncSettings.defaults();
    private boolean pollSources = true;
    private Path dropRoot;
    private Integer mllpPort;
    private MeterRegistry meterRegistry;
    private String nodeName = ManagementFactory.getRuntimeMXBean().getName();
    private boolean demoData;
    private KafkaSettings kafka;
    private int instances = Runtime.getRuntime().availableProcessors();
    private Clock clock = Clock.systemUTC();
    private Clock accessClock = Clock.systemUTC();
    private PasswordHasher hasher;
    private UnaryOperator<QueueEventPublisher> busFaults = UnaryOperator.identity();
    private Consumer<Router> extraRoutes = router -> { };
    private boolean sendNotifications = true;
    private ConnectionLimits.Settings connectionLimits = ConnectionLimits.Settings.defaults();
    private Duration insightsRollupEvery = Duration.ofMinutes(10);
    private Retention retention = Retention.DEFAULT;
    private Duration retentionEvery = Duration.ofHours(1);

    /** A node on this database, reached by people at {@code publicUrl} (secure when it is https). */
    public Options(PgConnectOptions database, String publicUrl) {
      this.database = database;
      this.publicUrl = publicUrl;
      this.secure = publicUrl.startsWith("https:");
    }

    public Options poolSize(int size) {
      poolSize = size;
      return this;
    }

    /** Where to listen; port 0 picks a free port that every instance shares. */
    public Options listen(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    /** Serve HTTPS with this certificate chain and key. */
    public Options tls(PemKeyCertOptions keyCert) {
      tls = keyCert;
      secure = true;
      return this;
    }

    /** Reached over HTTPS (e.g. behind a TLS proxy): Secure cookies and HSTS. */
    public Options secure(boolean secure) {
      this.secure = secure;
      return this;
    }

    /** Staff may also sign in at this OpenID Connect provider; its discovery document is read before start. */
    public Options oidc(OidcSettings settings) {
      oidc = settings;
      return this;
    }

    public Options clientAddress(ClientAddress address) {
      clientAddress = address;
      return this;
    }

    /** Runs once the first admin account exists. */
    public Options onSetupComplete(Runnable action) {
      onSetupComplete = action;
      return this;
    }

    /**
     * Runs at start, before the node answers on its port (so before it reports ready), with the one-time code that
     * creates the first admin while no admin account exists, or empty: where the launcher puts the code for the
     * operator, who may read it as soon as the node is ready.
     */
    public Options onSetupCode(Consumer<Optional<String>> action) {
      onSetupCode = action;
      return this;
    }

    /** The notifications module's channels; it sends only when a channel is configured. */
    public Options notifications(NotificationsConfig config) {
      notifications = config;
      return this;
    }

    /**
     * The payment-gateway module's processor and keys (sandbox or Stripe); without it the co-pay endpoints answer
     * 404s and no payment is swept.
     */
    public Options payments(PaymentsConfig config) {
      payments = config;
      return this;
    }

    /**
     * Appointment sources (pms-sync), their secrets sealed with this key (32 bytes, base64); without it the source
     * endpoints and FHIR subscriptions answer 404s and nothing is polled.
     */
    public Options appointmentSources(String secretsKey) {
      sourcesSecretsKey = secretsKey;
      return this;
    }

    public Options syncSettings(SyncSettings settings) {
      syncSettings = settings;
      return this;
    }

    /**
     * Listen for HL7 v2 messages over MLLP on this port (0: any free port), for every hl7v2-mllp source; over TLS
     * (MLLPS) with the node's certificate when it has one. Needs {@link #appointmentSources}.
     */
    public Options mllp(int port) {
      mllpPort = port;
      return this;
    }

    /** How often this node rolls up the insights of days that have closed (a quick look when none has). */
    public Options insightsRollup(Duration every) {
      insightsRollupEvery = every;
      return this;
    }

    /** How long patient details are kept, and how often this node removes those past it. */
    public Options retention(Retention kept, Duration every) {
      retention = kept;
      retentionEvery = every;
      return this;
    }

    /** Whether this node polls the appointment sources that are due; off, they sync only when asked (tests). */
    public Options pollSources(boolean poll) {
      pollSources = poll;
      return this;
    }

    /**
     * The root of csv sources' watched drop folders ({@code <root>/<source id>}), scanned by a node that polls
     * sources; null (the default) watches none.
     */
    public Options dropRoot(Path root) {
      dropRoot = root;
      return this;
    }

    /** Where pms-sync's per-source metrics go; by default the Vert.x instance's registry (served on /metrics). */
    public Options meterRegistry(MeterRegistry registry) {
      meterRegistry = registry;
      return this;
    }

    /** This node's name in polling leases (host and process by default), so two nodes never share one. */
    public Options nodeName(String name) {
      nodeName = name;
      return this;
    }

    /**
     * Share queue events with the other nodes through Kafka (a relay of the event log to the topic, a consumer per
     * node) instead of PostgreSQL LISTEN/NOTIFY; null (the default) keeps LISTEN/NOTIFY.
     */
    public Options kafka(KafkaSettings settings) {
      kafka = settings;
      return this;
    }

    /** A demo site with two queues (and, with payments, a kiosk co-pay and sandbox readers) on an empty database. */
    public Options demoData(boolean seed) {
      demoData = seed;
      return this;
    }

    /** How many edge instances (event loops serving HTTP); one per core by default. */
    public Options instances(int count) {
      instances = count;
      return this;
    }

    /** The commands' clock, and the access services' (sessions, devices, rate limits). */
    public Options clocks(Clock commands, Clock access) {
      clock = commands;
      accessClock = access;
      return this;
    }

    public Options passwordHasher(PasswordHasher passwordHasher) {
      hasher = passwordHasher;
      return this;
    }

    /** Wraps the event-bus publisher, e.g. a test's that loses or reorders events. */
    public Options busFaults(UnaryOperator<QueueEventPublisher> faults) {
      busFaults = faults;
      return this;
    }

    /**
     * Whether the notifications module reads the event log and sends (when a channel is configured); off, its
     * endpoints still answer and nothing is sent (the edge tests, which send to no one).
     */
    public Options sendNotifications(boolean send) {
      sendNotifications = send;
      return this;
    }

    /**
     * Connections per client address, and the deadlines for a request's head and body and for silence (see
     * {@link ConnectionLimits}); production's defaults unless a test shortens them.
     */
    public Options connectionLimits(int maxPerAddress, java.time.Duration header, java.time.Duration body,
        java.time.Duration idle) {
      connectionLimits = new ConnectionLimits.Settings(maxPerAddress, header, body, idle);
      return this;
    }

    /** How many open connections one client address may hold (trusted proxies excepted). */
    public Options maxConnectionsPerAddress(int max) {
      connectionLimits = new ConnectionLimits.Settings(max, connectionLimits.header(), connectionLimits.body(),
          connectionLimits.idle());
      return this;
    }

    /** Adds routes to every instance's router (a test's, ordered ahead, to see which event loop answers). */
    public Options extraRoutes(Consumer<Router> routes) {
      extraRoutes = routes;
      return this;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Notifications notifications;
  private final Payments payments;
  private final SyncService sync;
  private final PgNotifyRelay relay;
  private final KafkaEvents kafka;
  private final QueueCommands commands;
  private final AccessServices access;
  private final EdgeRouter.Settings settings;
  private final Optional<String> setupCode;
  private final RetentionJob retention;
  private final List<Long> timers;
  private final String deployment;
  private final int port;

  private WaitlineNode(Vertx vertx, Pool pool, Notifications notifications, Payments payments, SyncService sync,
      PgNotifyRelay relay, KafkaEvents kafka, QueueCommands commands, EdgeRouter.Settings settings,
      Optional<String> setupCode, RetentionJob retention, List<Long> timers, String deployment, int port) {
    this.vertx = vertx;
    this.pool = pool;
    this.notifications = notifications;
    this.payments = payments;
    this.sync = sync;
    this.relay = relay;
    this.kafka = kafka;
    this.commands = commands;
    this.access = settings.access();
    this.settings = settings;
    this.setupCode = setupCode;
    this.retention = retention;
    this.timers = timers;
    this.deployment = deployment;
    this.port = port;
  }

  /** Applies every module's migrations to this database. Blocking: call from main, a test or a worker. */
  public static void migrate(PgConnectOptions db) {
    String jdbc = "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
    int applied = Migrations.migrate(jdbc, db.getUser(), db.getPassword());
    applied += InsightsMigrations.migrate(jdbc, db.getUser(), db.getPassword());
    applied += Notifications.migrate(jdbc, db.getUser(), db.getPassword());
    applied += AccessMigrations.migrate(jdbc, db.getUser(), db.getPassword());
    applied += EdgeMigrations.migrate(jdbc, db.getUser(), db.getPassword());
    applied += Payments.migrate(jdbc, db.getUser(), db.getPassword());
    applied += SyncService.migrate(jdbc, db.getUser(), db.getPassword());
    LOG.info("Database {} ready ({} migrations applied)", jdbc, applied);
  }

  /** Migrates, wires and starts the node; listening once this returns. Blocking: call from main or a test. */
  public static WaitlineNode start(Vertx vertx, Options o) {
    migrate(o.database);
    // each statement is parsed once per connection, not on every use (which also costs an implicit transaction)
    PgConnectOptions cached = new PgConnectOptions(o.database).setCachePreparedStatements(true);
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(o.poolSize)).connectingTo(cached)
        .using(vertx).build();
    // with Kafka the modules record their outcomes for its relays; without, they record none (nothing would read them)
    boolean publishOutcomes = o.kafka != null;
    Notifications notifications = Notifications.create(vertx, pool, o.notifications, o.clock, publishOutcomes);
    QueueStore store = new QueueStore();
    // committed events wake the notification reader at once (it reads the event log, so nothing depends on it)
    QueueEventPublisher local = notifications.wakeOn(o.busFaults.apply(new EventBusPublisher(vertx.eventBus())));
    // the LISTEN connection also carries the edge's notices (credentials ended), whichever way events travel
    PgNotifyRelay relay = PgNotifyRelay.start(vertx, o.database, pool, store, local).await();
    // events reach the other nodes through Kafka when configured, else through LISTEN/NOTIFY (harmless alone)
    KafkaEvents kafka = null;
    QueueEventPublisher shared = relay;
    if (o.kafka != null) {
      kafka = KafkaEvents.start(vertx, pool, store, o.kafka, o.nodeName, o.clock, local,
          OUTCOME_OUTBOXES).await();
      shared = kafka;
      LOG.info("Sharing queue events with other nodes through Kafka topic {} at {}", o.kafka.topic(),
          o.kafka.bootstrapServers());
    } else {
      LOG.info("Sharing queue events with other nodes through PostgreSQL LISTEN/NOTIFY");
    }
    QueueCommands commands = new QueueCommands(pool, store, shared, new SimulatedWaitEstimator(), o.clock);
    AccessServices access = AccessServices.create(vertx, pool,
        o.hasher != null ? o.hasher : PasswordHasher.standard(), commands, o.accessClock);
    // credentials ended on any node close the feeds that held them on every node, at once
    AccessChanges.listen(vertx, relay, access.credentials()).await();
    Optional<String> setupCode = access.setup().prepare().await();
    o.onSetupCode.accept(setupCode);
    Payments payments = o.payments == null ? null
        : Payments.create(vertx, pool, commands, notifications, o.payments, o.clock, publishOutcomes);
    SyncService sync = null;
    if (o.sourcesSecretsKey != null) {
      MeterRegistry registry = o.meterRegistry != null ? o.meterRegistry : BackendRegistries.getDefaultNow();
      sync = new SyncService(vertx, pool, commands, o.sourcesSecretsKey, o.clock,
          o.syncSettings.publishingResults(publishOutcomes),
          registry != null ? registry : new SimpleMeterRegistry(), o.nodeName, visitAmounts(payments));
    }
    if (o.demoData) {
      seedDemo(commands).await();
      if (payments != null) seedDemoPayments(payments).await();
    }
    InsightsRollup rollup = new InsightsRollup(pool, o.clock);
    RetentionJob retention = new RetentionJob(o.clock, new RetentionBatches(pool, o.retention, RETENTION_BATCH))
        .module("queue-core", VisitRetention::batch)
        .module("notifications", NotifyRetention::batch)
        // every module's tables exist whether this node runs the module or not: each is cleaned either way
        .module("payments", PaymentRetention::batch)
        .module("pms-sync", SyncRetention::batch);
    List<Long> timers = List.of(
        // time alone can reorder a queue (promotion after the maximum wait); announce it within half a minute
        vertx.setPeriodic(REORDER_CHECK_MS, id -> commands.allQueueIds().compose(ids -> {
          Future<Boolean> chain = Future.succeededFuture(false);
          for (String queueId : ids) chain = chain.compose(v -> commands.announceReorder(queueId));
          return chain;
        }).onFailure(err -> LOG.warn("Reorder check failed: {}", err.getMessage()))),
        // idle rate-limit buckets are full again: forget them
        vertx.setPeriodic(RATE_LIMIT_CLEANUP_MS, id -> new RateLimitStore(pool).forgetIdle(o.accessClock.millis())
            .onFailure(err -> LOG.warn("Rate-limit cleanup failed: {}", err.getMessage()))),
        // past days' insights are read from daily rollups: copy each day once it has closed
        vertx.setPeriodic(o.insightsRollupEvery.toMillis(), id -> rollup.rollUp()
            .onSuccess(copied -> {
              if (copied > 0) LOG.info("Insights: {} visits of closed days rolled up", copied);
            })
            .onFailure(err -> LOG.warn("Insights roll-up failed: {}", err.getMessage()))),
        // patient details past retention are removed, module by module; the figures stay
        vertx.setPeriodic(o.retentionEvery.toMillis(), id -> retention.run()
            .onSuccess(changed -> {
              if (changed.values().stream().anyMatch(n -> n > 0)) LOG.info("Retention: details removed {}", changed);
            })
            .onFailure(err -> LOG.warn("Retention: {}", err.getMessage()))));
    if (o.notifications.anyChannel() && o.sendNotifications) {
      notifications.start().await();
    } else if (o.sendNotifications) {
      LOG.info("Notifications: no channel configured, no messages are sent (set TWILIO_*, FCM_CREDENTIALS_FILE, "
          + "VAPID_* or SMTP_*; see docs/notifications.md)");
    }

    var settings = new EdgeRouter.Settings(o.publicUrl, o.secure, access, o.oidc, o.onSetupComplete, o.clientAddress,
        o.retention);
    OidcSignIn oidc = o.oidc == null ? null : OidcSignIn.discover(vertx, o.oidc, o.publicUrl).await();
    // a negative port is Vert.x's "one random port shared by every instance"; port 0 would give each its own
    HttpServerOptions http = new HttpServerOptions().setHost(o.host).setPort(o.port == 0 ? -1 : o.port)
        .setMaxWebSocketFrameSize(LiveFeeds.MAX_FRAME_BYTES)
        // no permessage-deflate: feeds carry small JSON messages, and each compressed feed held ~120 KiB of native
        // zlib memory that stayed after it closed (docs/benchmarks.md, feed memory)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout((int) o.connectionLimits.idle().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // every answer is written on its request's event loop, so a connection writes directly rather than through a
        // queue of its own: Vert.x keeps an upgraded connection for its feed's whole life, and that queue (4 KiB)
        // with it; a write from another thread fails instead of being queued
        .setStrictThreadMode(true)
        // HTTP/1.1 from the first byte: with cleartext HTTP/2 detection a connection that sends nothing is not yet
        // a connection to Vert.x, so no limit could see it
        .setHttp2ClearTextEnabled(false);
    ConnectionLimits limits = new ConnectionLimits(o.connectionLimits, o.clientAddress);
    if (o.tls != null) http.setSsl(true).setKeyCertOptions(o.tls);
    OpenAPIContract contract = EdgeRouter.contract(vertx).await();
    FhirApi.warmUp();
    List<EdgeVerticle> instances = new CopyOnWriteArrayList<>();
    SyncService sources = sync;
    String deployment = vertx.deployVerticle(() -> {
      EdgeVerticle edge = new EdgeVerticle(v -> {
        Router router = EdgeRouter.router(contract, v, pool, commands, settings, notifications, payments, sources,
            oidc);
        o.extraRoutes.accept(router);
        return router;
      }, http, limits);
      instances.add(edge);
      return edge;
    }, new DeploymentOptions().setInstances(o.instances)).await();
    int port = instances.get(0).port();
    if (payments != null) payments.start().await(); // resolves what a previous run left waiting on the processor
    if (sync != null && o.pollSources) sync.start(); // polls the sources that are due, one node per source (a lease)
    if (sync != null && o.pollSources && o.dropRoot != null) sync.watchDropFolders(o.dropRoot, DROP_FOLDER_SCAN);
    if (sync != null && o.mllpPort != null) {
      sync.listenSourceChanges(relay).await(); // the listener routes by sending facility: follow other nodes' changes
      NetServerOptions mllp = new NetServerOptions().setHost(o.host).setPort(o.mllpPort);
      if (o.tls != null) mllp.setSsl(true).setKeyCertOptions(o.tls);
      int mllpPort = sync.listenMllp(mllp).await();
      LOG.info("HL7 v2 (MLLP{}) listening on {}:{}", o.tls != null ? " over TLS" : "", o.host, mllpPort);
    }
    LOG.info("Waitline listening on {}://{}:{} with {} edge instances (public URL {})", o.tls != null ? "https" : "http",
        o.host, port, o.instances, o.publicUrl);
    return new WaitlineNode(vertx, pool, notifications, payments, sync, relay, kafka, commands, settings, setupCode,
        retention, timers, deployment, port);
  }

  /** A demo site with two queues on an empty database, so a first run has something to show. */
  private static Future<Void> seedDemo(QueueCommands commands) {
    return commands.sites().compose(sites -> {
      if (!sites.isEmpty()) return Future.succeededFuture();
      LOG.info("Empty database: creating demo site 'main' with queues 'general' and 'lab'");
      return commands.createSite(new Site("main", "Main Street Clinic", ZoneId.of("Europe/London"), "en", "ticket"))
          .compose(s -> commands.createQueue(new ServiceQueue("general", "main", "General practice", "A",
              OrderingRule.DEFAULT, 600, false, 2, 0)))
          .compose(q -> commands.createQueue(new ServiceQueue("lab", "main", "Blood tests", "B",
              OrderingRule.DEFAULT, 300, false, 1, 0)))
          .mapEmpty();
    });
  }

  /**
   * On a demo site without payment settings: a £20.00 co-pay at the kiosk for 'general', none for 'lab', and one
   * sandbox reader at the kiosk and one at the desk (docs/payments.md lists the sandbox's test amounts).
   */
  /** Appointments' own co-pays from sources go to the payments module, when this node takes payments. */
  private static VisitAmounts visitAmounts(Payments payments) {
    if (payments == null) return null;
    return (c, siteId, entryId, copay, source) -> payments.setSourceAmount(c, siteId, entryId,
        copay == null ? null : copay.amount(), copay == null ? null : copay.currency(), source);
  }

  private static Future<Void> seedDemoPayments(Payments payments) {
    return payments.readers("main").<Void>compose(readers -> {
      if (!readers.isEmpty()) return Future.succeededFuture();
      return payments.saveSiteSetting(new Settings.SiteSetting("main", "gbp", true))
          .compose(s -> payments.saveQueueSetting(new Settings.QueueSetting("general", 2000, "kiosk")))
          .compose(s -> payments.saveQueueSetting(new Settings.QueueSetting("lab", 0, "none")))
          .compose(s -> payments.saveReader(new Settings.Reader("sbx_kiosk_1", "main", "kiosk", "Kiosk reader")))
          .compose(s -> payments.saveReader(new Settings.Reader("sbx_desk_1", "main", "desk", "Desk reader")))
          .mapEmpty();
    }).recover(err -> err instanceof QueueException.NotFound ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(err));
  }

  public int port() {
    return port;
  }

  public Pool pool() {
    return pool;
  }

  public QueueCommands commands() {
    return commands;
  }

  public Notifications notifications() {
    return notifications;
  }

  /** The payment-gateway module, or null when the node runs without it. */
  public Payments payments() {
    return payments;
  }

  /** The appointment sources (pms-sync), or null when the node runs without them. */
  public SyncService sync() {
    return sync;
  }

  public AccessServices access() {
    return access;
  }

  /** What every edge instance of this node was built with. */
  public EdgeRouter.Settings settings() {
    return settings;
  }

  /** The retention run this node's timer starts (a test may start one itself). */
  public RetentionJob retention() {
    return retention;
  }

  /** The one-time code that creates the first admin, while no admin account exists. */
  public Optional<String> setupCode() {
    return setupCode;
  }

  /**
   * Stops serving, lets notifications in flight record their outcome, stops listening to the other nodes (before
   * the database goes, or it would reconnect) and closes the pool. The Vert.x instance stays the caller's.
   */
  public Future<Void> stop() {
    timers.forEach(vertx::cancelTimer);
    return vertx.undeploy(deployment)
        .compose(v -> payments != null ? payments.stop() : Future.<Void>succeededFuture())
        .compose(v -> sync != null ? sync.stop() : Future.<Void>succeededFuture())
        .compose(v -> notifications.stop())
        .compose(v -> kafka != null ? kafka.close() : Future.<Void>succeededFuture())
        .compose(v -> relay.close())
        .compose(v -> pool.close());
  }
}
