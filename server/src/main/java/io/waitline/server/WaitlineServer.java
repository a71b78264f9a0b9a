package io.waitline.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.waitline.access.AccessMigrations;
import io.waitline.access.PasswordHasher;
import io.waitline.notify.Notifications;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.sync.SyncService;
import io.waitline.sync.SyncSettings;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.PgNotifyRelay;
import io.waitline.queue.store.Migrations;
import io.waitline.queue.store.QueueStore;
import io.waitline.edge.EdgeRouter;
import io.waitline.edge.pipeline.AccessServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires one Waitline node from its configuration: database, migrations, commands, HTTP edge. */
public final class WaitlineServer {
  private static final Logger LOG = LoggerFactory.getLogger(WaitlineServer.class);
  private static final long REORDER_CHECK_MS = 30_000;
  /** In the data dir while no admin account exists: the one-time code that creates the first one. */
  static final String SETUP_CODE_FILE = "setup-code";
  static final String SECRETS_KEY_FILE = "secrets.key";

  private final Config config;
  private Vertx vertx;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private PgNotifyRelay relay;
  private Notifications notifications;
  private SyncService sync;
  private HttpServer http;
  /** Listens to the JVM's garbage-collection notifications until closed. */
  private JvmGcMetrics gcMetrics;

  public WaitlineServer(Config config) {
    this.config = config;
  }

  /** Starts everything; blocking, call from main or a test thread. */
  public WaitlineServer start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    gcMetrics = bindJvmMetrics(BackendRegistries.getDefaultNow());
    PgConnectOptions connect = connectOptions();
    String jdbc = "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    int applied = Migrations.migrate(jdbc, connect.getUser(), connect.getPassword());
    LOG.info("Database {} ready ({} migrations applied)", jdbc, applied);
    int notifyApplied = Notifications.migrate(jdbc, connect.getUser(), connect.getPassword());
    LOG.info("Notification tables ready ({} migrations applied)", notifyApplied);
    int accessApplied = AccessMigrations.migrate(jdbc, connect.getUser(), connect.getPassword());
    LOG.info("Access tables ready ({} migrations applied)", accessApplied);
    int syncApplied = SyncService.migrate(jdbc, connect.getUser(), connect.getPassword());
    LOG.info("Appointment-source tables ready ({} migrations applied)", syncApplied);

    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(config.databasePoolSize()))
        .connectingTo(connect).using(vertx).build();
    notifications = Notifications.create(vertx, pool, config.notifications());
    QueueStore store = new QueueStore();
    // committed events wake the notification reader at once (it reads the event log, so nothing depends on it);
    // the relay shares them with the other nodes on this database, harmless when there are none
    relay = PgNotifyRelay.start(vertx, connect, pool, store,
        notifications.wakeOn(new EventBusPublisher(vertx.eventBus()))).await();
    LOG.info("Sharing queue events with other nodes through PostgreSQL LISTEN/NOTIFY");
    QueueCommands commands = new QueueCommands(pool, store, relay, new ServiceTimeEstimator(), Clock.systemUTC());
    if (config.kafkaBootstrapServers() != null) {
      LOG.warn("KAFKA_BOOTSTRAP_SERVERS is set but the Kafka relay is not part of this release; "
          + "nodes share live updates through PostgreSQL LISTEN/NOTIFY instead");
    }
    AccessServices access = AccessServices.create(vertx, pool, PasswordHasher.standard(), Clock.systemUTC());
    Optional<String> setupCode = access.setup().prepare().await();
    if (setupCode.isPresent()) {
      writeSetupCode(setupCode.get());
    } else {
      Files.deleteIfExists(setupCodeFile());
    }
    if (config.demoData()) seedDemo(commands).await();

    // time alone can reorder a queue (promotion after the maximum wait); announce it within half a minute
    vertx.setPeriodic(REORDER_CHECK_MS, id -> commands.allQueueIds().compose(ids -> {
      Future<Boolean> chain = Future.succeededFuture(false);
      for (String queueId : ids) chain = chain.compose(v -> commands.announceReorder(queueId));
      return chain;
    }).onFailure(err -> LOG.warn("Reorder check failed: {}", err.getMessage())));

    var settings = new EdgeRouter.Settings(config.publicUrl(), config.secure(), access, config.oidc(),
        this::setupCompleted, config.clientAddress());
    sync = new SyncService(vertx, pool, commands, secretsKey(), Clock.systemUTC(), SyncSettings.defaults(),
        BackendRegistries.getDefaultNow(), nodeName());
    sync.start();
    var router = EdgeRouter.router(vertx, pool, commands, settings, notifications, sync).await();
    if (config.notifications().anyChannel()) {
      notifications.start().await();
    } else {
      LOG.info("Notifications: no channel configured, no messages are sent (set TWILIO_*, FCM_CREDENTIALS_FILE, "
          + "VAPID_* or SMTP_*; see docs/notifications.md)");
    }
    HttpServerOptions options = new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
        .setMaxWebSocketFrameSize(65536);
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().certificate().toString()).setKeyPath(config.tls().privateKey().toString()));
    }
    http = vertx.createHttpServer(options).requestHandler(router).listen().await();
    LOG.info("Waitline listening on {}://{}:{} (public URL {})", config.tls() != null ? "https" : "http",
        config.httpHost(), http.actualPort(), config.publicUrl());
    setupCode.ifPresent(code -> LOG.info("No admin account yet: open {}/setup and enter the code {} (also in {})",
        config.publicUrl(), code, setupCodeFile()));
    return this;
  }

  /** Heap, garbage collection, threads, CPU and uptime of this JVM on /metrics, next to Vert.x's own. */
  private static JvmGcMetrics bindJvmMetrics(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  Path setupCodeFile() {
    return config.dataDir().resolve(SETUP_CODE_FILE);
  }

  /**
   * The key that seals appointment sources' secrets: WAITLINE_SECRETS_KEY, or else one generated once into the data
   * directory (never into the database, so a dump alone reveals no secret).
   */
  private String secretsKey() throws IOException {
    if (config.secretsKey() != null) return config.secretsKey();
    Path file = config.dataDir().resolve(SECRETS_KEY_FILE);
    if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).trim();
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    String generated = java.util.Base64.getEncoder().encodeToString(key);
    writePrivateFile(file, generated);
    LOG.warn("WAITLINE_SECRETS_KEY is not set: generated a key for appointment-source secrets in {}; keep it (and"
        + " back it up) apart from the database", file);
    return generated;
  }

  /** This node's name in polling leases: host and process, so two nodes never share one. */
  private static String nodeName() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
  }

  /** Writes the setup code readable by the server's own user only, never by others, not even for an instant. */
  private void writeSetupCode(String code) throws IOException {
    writePrivateFile(setupCodeFile(), code);
  }

  private static void writePrivateFile(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** The first admin exists: the code is used up, so its file goes. */
  private void setupCompleted() {
    vertx.fileSystem().exists(setupCodeFile().toString())
        .compose(exists -> exists ? vertx.fileSystem().delete(setupCodeFile().toString()) : Future.succeededFuture())
        .onSuccess(v -> LOG.info("First admin account created; setup is complete"))
        .onFailure(err -> LOG.warn("Could not delete {}: {}", setupCodeFile(), err.getMessage()));
  }

  public int port() {
    return http.actualPort();
  }

  /** The embedded database, or null when DATABASE_URL points elsewhere. */
  EmbeddedDatabase embeddedDatabase() {
    return embedded;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the HTTP server, the pool and the embedded database, in that order. */
  public void stop() throws Exception {
    if (notifications != null) notifications.stop().await(); // lets sends in flight record their outcome
    if (sync != null) sync.stop().await();
    if (relay != null) relay.close().await(); // before the database goes, or it would try to reconnect
    if (gcMetrics != null) gcMetrics.close();
    if (vertx != null) vertx.close().await();
    if (embedded != null) embedded.close();
  }

  private PgConnectOptions connectOptions() throws Exception {
    Config.Database db = config.database();
    if (db == null) {
      LOG.info("No DATABASE_URL: starting embedded PostgreSQL with data in {}", config.dataDir().resolve("pg"));
      embedded = EmbeddedDatabase.start(config.dataDir());
      return new PgConnectOptions().setHost("localhost").setPort(embedded.port())
          .setDatabase(EmbeddedDatabase.DATABASE).setUser("postgres").setPassword("postgres");
    }
    return new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.name())
        .setUser(db.user()).setPassword(db.password());
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
}
