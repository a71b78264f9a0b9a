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
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgConnectOptions;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.waitline.edge.WaitlineNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one Waitline node from its configuration: metrics, the embedded or configured database, the setup code file. */
public final class WaitlineServer {
  private static final Logger LOG = LoggerFactory.getLogger(WaitlineServer.class);
  /** In the data dir while no admin account exists: the one-time code that creates the first one. */
  static final String SETUP_CODE_FILE = "setup-code";
  static final String SECRETS_KEY_FILE = "secrets.key";

  private final Config config;
  private Vertx vertx;
  private EmbeddedDatabase embedded;
  private WaitlineNode node;
  /** Listens to the JVM's garbage-collection notifications until closed. */
  private JvmGcMetrics gcMetrics;

  public WaitlineServer(Config config) {
    this.config = config;
  }

  /** Starts everything; blocking, call from main or a test thread. */
  public WaitlineServer start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(config.nativeTransport())
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    logTransport();
    warnIfHugeMethodsStayInterpreted();
    gcMetrics = bindJvmMetrics(BackendRegistries.getDefaultNow());
    WaitlineNode.Options options = new WaitlineNode.Options(connectOptions(), config.publicUrl())
        .poolSize(config.databasePoolSize())
        .listen(config.httpHost(), config.httpPort())
        .secure(config.secure())
        .oidc(config.oidc())
        .clientAddress(config.clientAddress())
        .maxConnectionsPerAddress(config.maxConnectionsPerAddress())
        .onSetupComplete(this::setupCompleted)
        .notifications(config.notifications())
        .payments(config.payments())
        .appointmentSources(secretsKey())
        .dropRoot(config.dropRoot())
        .insightsRollup(Duration.ofSeconds(config.insightsRollupSeconds()))
        .retention(config.retention(), Duration.ofSeconds(config.retentionSeconds()))
        .demoData(config.demoData())
        .kafka(config.kafka());
    if (config.mllpPort() != null) options.mllp(config.mllpPort());
    if (config.tls() != null) {
      options.tls(new PemKeyCertOptions().setCertPath(config.tls().certificate().toString())
          .setKeyPath(config.tls().privateKey().toString()));
    }
    // the code's file is written before the node answers on its port: whoever waits for ready finds it
    options.onSetupCode(code -> {
      try {
        if (code.isPresent()) {
          writeSetupCode(code.get());
        } else {
          Files.deleteIfExists(setupCodeFile());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not write or remove the setup code file " + setupCodeFile(), e);
      }
    });
    node = WaitlineNode.start(vertx, options);
    node.setupCode().ifPresent(code -> LOG.info("No admin account yet: open {}/setup and enter the code {} (also in {})",
        config.publicUrl(), code, setupCodeFile()));
    return this;
  }

  /** Which of Netty's transports the node's sockets run on, and why not the native one when it was asked for. */
  private void logTransport() {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("Network transport: {} (native)", Transport.nativeTransport().name());
    } else if (!config.nativeTransport()) {
      LOG.info("Network transport: nio (WAITLINE_NATIVE_TRANSPORT=false)");
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.warn("Network transport: nio; the native transport is unavailable here: {}",
          cause == null ? "no native transport for this system" : cause.toString());
    }
  }

  /**
   * HotSpot leaves methods of more than 8,000 bytes of bytecode to the interpreter by default; the JSON-schema
   * validator's core method, run for every request body, is one (a tenth of the server's profiled Java samples under
   * load when it is not compiled). {@code ./waitline} and the image start the JVM with {@code -XX:-DontCompileHugeMethods}; a node started
   * with plain {@code java -jar} says so.
   */
  private static void warnIfHugeMethodsStayInterpreted() {
    try {
      String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .getVMOption("DontCompileHugeMethods").getValue();
      if (Boolean.parseBoolean(value)) {
        LOG.warn("This JVM runs without -XX:-DontCompileHugeMethods: request bodies' schema checks stay interpreted "
            + "(slower); ./waitline and the container image set it "
            + "(docs/operations.md, JVM options)");
      }
    } catch (RuntimeException notHotSpot) { // another JVM has no such option and its own compiler policy
      LOG.debug("No HotSpot option DontCompileHugeMethods here: {}", notHotSpot.toString());
    }
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
    return node.port();
  }

  /** The embedded database, or null when DATABASE_URL points elsewhere. */
  EmbeddedDatabase embeddedDatabase() {
    return embedded;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the node (HTTP, payments, appointment sources, notifications, the relay, the pool), then Vert.x and the embedded database. */
  public void stop() throws Exception {
    if (node != null) node.stop().await();
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
}
