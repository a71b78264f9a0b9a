package io.waitline.server;

import io.waitline.notify.NotificationsConfig;
import io.waitline.pay.PaymentsConfig;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.WaitlineNode;
import io.waitline.edge.oidc.OidcSettings;
import io.waitline.queue.event.kafka.KafkaSettings;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.retention.Retention;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed configuration, read once at start from environment variables (or Java system properties of the same name,
 * which win). docs/operations.md lists every key.
 */
public record Config(
    String httpHost,
    int httpPort,
    Path dataDir,
    Database database,
    int databasePoolSize,
    String publicUrl,
    boolean demoData,
    KafkaSettings kafka,
    NotificationsConfig notifications,
    OidcSettings oidc,
    Tls tls,
    ClientAddress clientAddress,
    PaymentsConfig payments,
    String secretsKey,
    int maxConnectionsPerAddress,
    Path dropRoot,
    Integer mllpPort,
    int insightsRollupSeconds,
    Retention retention,
    int retentionSeconds,
    boolean nativeTransport) {

  /** The server's own certificate chain and private key (PEM files); null in {@link #tls} means plain HTTP. */
  public record Tls(Path certificate, Path privateKey) {}

  /** Whether people reach the server over HTTPS: its own TLS, or a TLS proxy in front of an https public URL. */
  public boolean secure() {
    return tls != null || publicUrl.startsWith("https:");
  }

  /** An external PostgreSQL; null in {@link #database} means "start the embedded one". */
  public record Database(String host, int port, String name, String user, String password) {}

  public static Config load(Map<String, String> env) {
    Function<String, String> get = key -> {
      String v = System.getProperty(key, env.get(key));
      return v == null || v.isBlank() ? null : v.trim();
    };
    String url = get.apply("DATABASE_URL");
    Database db = url == null ? null : parseDatabaseUrl(url, get.apply("DATABASE_USER"), get.apply("DATABASE_PASSWORD"));
    int port = intValue("WAITLINE_HTTP_PORT", get.apply("WAITLINE_HTTP_PORT"), 8080, 0, 65535);
    String publicUrl = get.apply("WAITLINE_PUBLIC_URL");
    String base = stripSlash(publicUrl == null ? "http://localhost:" + (port == 0 ? 8080 : port) : publicUrl);
    return new Config(
        orDefault(get.apply("WAITLINE_HTTP_HOST"), "0.0.0.0"),
        port,
        Path.of(orDefault(get.apply("WAITLINE_DATA_DIR"), "data")).toAbsolutePath(),
        db,
        intValue("DATABASE_POOL_SIZE", get.apply("DATABASE_POOL_SIZE"), 10, 1, 200),
        base,
        !"false".equalsIgnoreCase(get.apply("WAITLINE_DEMO_DATA")),
        kafka(get),
        NotificationsConfig.load(get, base),
        OidcSettings.from(get).orElse(null),
        tls(get.apply("WAITLINE_TLS_CERT"), get.apply("WAITLINE_TLS_KEY")),
        trustedProxies(get.apply("WAITLINE_TRUSTED_PROXIES")),
        PaymentsConfig.load(get, base),
        get.apply("WAITLINE_SECRETS_KEY"),
        intValue("WAITLINE_MAX_CONNECTIONS_PER_ADDRESS", get.apply("WAITLINE_MAX_CONNECTIONS_PER_ADDRESS"), 256, 1,
            1_000_000),
        dropRoot(get.apply("WAITLINE_DROP_ROOT")),
        // HL7 v2 over MLLP only when a port is set: one listener for every hl7v2-mllp source
        get.apply("WAITLINE_MLLP_PORT") == null ? null
            : intValue("WAITLINE_MLLP_PORT", get.apply("WAITLINE_MLLP_PORT"), 2575, 0, 65535),
        intValue("WAITLINE_INSIGHTS_ROLLUP_SECONDS", get.apply("WAITLINE_INSIGHTS_ROLLUP_SECONDS"), 600, 1, 86_400),
        new Retention(intValue("WAITLINE_RETENTION_DAYS", get.apply("WAITLINE_RETENTION_DAYS"),
            Retention.DEFAULT_DAYS, Retention.MIN_DAYS, Retention.MAX_DAYS)),
        intValue("WAITLINE_RETENTION_SECONDS", get.apply("WAITLINE_RETENTION_SECONDS"), 3600, 60, 86_400),
        booleanValue("WAITLINE_NATIVE_TRANSPORT", get.apply("WAITLINE_NATIVE_TRANSPORT"), true));
  }

  /**
   * Kafka when brokers are named (each {@code host:port}), else null: nodes then share events over PostgreSQL. Each
   * topic has its key: {@code KAFKA_QUEUE_EVENTS_TOPIC}, and {@code KAFKA_<OUTBOX>_TOPIC} for each module's outbox
   * (such as {@code KAFKA_PAYMENT_OUTCOMES_TOPIC}).
   */
  static KafkaSettings kafka(Function<String, String> get) {
    String servers = get.apply("KAFKA_BOOTSTRAP_SERVERS");
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("KAFKA_QUEUE_EVENTS_TOPIC", KafkaSettings.DEFAULT_TOPIC);
    for (Outbox o : WaitlineNode.OUTCOME_OUTBOXES) keys.put(topicKey(o), KafkaSettings.defaultTopic(o.lease()));
    if (servers == null) {
      for (String key : keys.keySet()) {
        if (get.apply(key) != null) {
          throw new IllegalArgumentException(key + " is set but KAFKA_BOOTSTRAP_SERVERS is not: name the brokers "
              + "(host:port, separated by commas) to publish to Kafka, or unset the topic");
        }
      }
      return null;
    }
    for (String server : servers.split(",")) {
      if (!server.trim().matches("[^\\s:/]+:\\d{1,5}")) {
        throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must list brokers as host:port separated by "
            + "commas (such as kafka-1:9092,kafka-2:9092); \"" + server.trim() + "\" is not host:port");
      }
    }
    Map<String, String> topics = new LinkedHashMap<>();
    keys.forEach((key, fallback) -> {
      String name = orDefault(get.apply(key), fallback);
      if (!name.matches("[A-Za-z0-9._-]{1,249}")) {
        throw new IllegalArgumentException(key + " must be a Kafka topic name: 1 to 249 letters, digits, dots, "
            + "underscores or hyphens; \"" + name + "\" is not one");
      }
      topics.put(key, name);
    });
    Map<String, String> outboxTopics = new LinkedHashMap<>();
    for (Outbox o : WaitlineNode.OUTCOME_OUTBOXES) outboxTopics.put(o.lease(), topics.get(topicKey(o)));
    return KafkaSettings.of(servers.replace(" ", ""), topics.get("KAFKA_QUEUE_EVENTS_TOPIC"), outboxTopics);
  }

  /** {@code KAFKA_PAYMENT_OUTCOMES_TOPIC} for the outbox {@code payment-outcomes}. */
  private static String topicKey(Outbox o) {
    return "KAFKA_" + o.lease().toUpperCase(Locale.ROOT).replace('-', '_') + "_TOPIC";
  }

  /** The root of csv sources' drop folders: an existing directory, or null (no folder is watched). */
  static Path dropRoot(String value) {
    if (value == null) return null;
    Path root = Path.of(value).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("WAITLINE_DROP_ROOT must name an existing directory (the root of the csv "
          + "sources' drop folders); " + root + " is not one");
    }
    return root;
  }

  /** The proxies whose X-Forwarded-For is believed; unset trusts nobody (the client is the TCP peer). */
  static ClientAddress trustedProxies(String value) {
    try {
      return ClientAddress.trusting(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("WAITLINE_TRUSTED_PROXIES must list the IP addresses or CIDR ranges of the "
          + "proxies in front of Waitline, separated by commas (such as 10.0.0.0/8, 2001:db8::/32); " + e.getMessage());
    }
  }

  /** Both PEM files or neither; each must be a readable file. */
  static Tls tls(String cert, String key) {
    if (cert == null && key == null) return null;
    if (cert == null || key == null) {
      throw new IllegalArgumentException("WAITLINE_TLS_CERT and WAITLINE_TLS_KEY go together: set both (the PEM "
          + "certificate chain and its private key) to serve HTTPS, or neither for plain HTTP; only "
          + (cert == null ? "WAITLINE_TLS_KEY" : "WAITLINE_TLS_CERT") + " is set");
    }
    return new Tls(readable("WAITLINE_TLS_CERT", cert), readable("WAITLINE_TLS_KEY", key));
  }

  private static Path readable(String key, String value) {
    Path path = Path.of(value).toAbsolutePath();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(key + " must name a readable PEM file; " + path
          + " does not exist or cannot be read");
    }
    return path;
  }

  /** Accepts {@code postgresql://user:pass@host:5432/db} (also {@code postgres://} and {@code jdbc:postgresql://}). */
  static Database parseDatabaseUrl(String url, String userOverride, String passwordOverride) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    URI uri;
    try {
      uri = URI.create(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a URL: expected postgresql://user:password@host:5432/database");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://, got " + uri.getScheme() + "://");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
      throw new IllegalArgumentException("DATABASE_URL needs a host and a database name: postgresql://host:5432/database");
    }
    String user = null;
    String password = null;
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : null;
    }
    return new Database(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1),
        userOverride != null ? userOverride : orDefault(user, "postgres"),
        passwordOverride != null ? passwordOverride : password);
  }

  private static int intValue(String key, String value, int dflt, int min, int max) {
    if (value == null) return dflt;
    try {
      int v = Integer.parseInt(value);
      if (v < min || v > max) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
    }
  }

  private static boolean booleanValue(String key, String value, boolean dflt) {
    if (value == null) return dflt;
    if (value.equalsIgnoreCase("true")) return true;
    if (value.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
  }

  private static String orDefault(String v, String dflt) {
    return v == null ? dflt : v;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
