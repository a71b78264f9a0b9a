package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.notify.Notifications;
import io.waitline.pay.Payments;
import io.waitline.queue.event.kafka.KafkaSettings;
import io.waitline.sync.SyncService;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void noConfigurationMeansEmbeddedDatabaseOnPort8080WithDemoData() {
    Config c = Config.load(Map.of());
    assertThat(c.database()).isNull();
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.demoData()).isTrue();
    assertThat(c.dataDir().toString()).endsWith("data");
    assertThat(c.publicUrl()).isEqualTo("http://localhost:8080");
    assertThat(c.nativeTransport()).isTrue();
  }

  @Test
  void theNativeTransportSettingIsTrueOrFalseAndAnythingElseIsRefused() {
    assertThat(Config.load(Map.of("WAITLINE_NATIVE_TRANSPORT", "false")).nativeTransport()).isFalse();
    assertThat(Config.load(Map.of("WAITLINE_NATIVE_TRANSPORT", "TRUE")).nativeTransport()).isTrue();
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_NATIVE_TRANSPORT", "no")))
        .hasMessage("WAITLINE_NATIVE_TRANSPORT must be true or false, got 'no'");
  }

  @Test
  void databaseUrlIsParsedAndCredentialOverridesWin() {
    Config c = Config.load(Map.of("DATABASE_URL", "postgresql://wl:secret@db.internal:6543/waitline",
        "DATABASE_PASSWORD", "other"));
    assertThat(c.database()).isEqualTo(new Config.Database("db.internal", 6543, "waitline", "wl", "other"));
    assertThat(Config.load(Map.of("DATABASE_URL", "jdbc:postgresql://h/db")).database().port()).isEqualTo(5432);
  }

  @Test
  void badValuesAreRefusedWithASentenceNamingTheKey() {
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_HTTP_PORT", "eighty")))
        .hasMessageContaining("WAITLINE_HTTP_PORT").hasMessageContaining("whole number");
    assertThatThrownBy(() -> Config.load(Map.of("DATABASE_URL", "mysql://h/db")))
        .hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> Config.load(Map.of("DATABASE_URL", "postgresql://host-only")))
        .hasMessageContaining("database name");
  }

  @Test
  void trustedProxiesDecideWhoseForwardedForIsBelievedAndABadEntryStopsTheStart() {
    java.util.List<String> forwarded = java.util.List.of("203.0.113.9");
    assertThat(Config.load(Map.of()).clientAddress().resolve("10.0.0.5", forwarded)).isEqualTo("10.0.0.5");
    Config behind = Config.load(Map.of("WAITLINE_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32"));
    assertThat(behind.clientAddress().resolve("10.0.0.5", forwarded)).isEqualTo("203.0.113.9");
    assertThat(behind.clientAddress().resolve("2001:db8:0:0:0:0:0:2", forwarded)).isEqualTo("203.0.113.9");

    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_TRUSTED_PROXIES", "10.0.0.0/8, lb.internal")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WAITLINE_TRUSTED_PROXIES").hasMessageContaining("'lb.internal'");
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_TRUSTED_PROXIES", "10.0.0.0/40")))
        .hasMessageContaining("WAITLINE_TRUSTED_PROXIES").hasMessageContaining("'10.0.0.0/40'");
  }

  @Test
  void kafkaIsOffUnlessBrokersAreNamedAndTheTopicDefaultsToWaitlineQueueEvents() {
    assertThat(Config.load(Map.of()).kafka()).as("LISTEN/NOTIFY by default").isNull();
    Config kafka = Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092, kafka-2:9092"));
    assertThat(kafka.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(kafka.kafka().topic()).isEqualTo("waitline.queue-events");
    assertThat(Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "KAFKA_QUEUE_EVENTS_TOPIC", "clinic.events"))
        .kafka().topic()).isEqualTo("clinic.events");
  }

  @Test
  void eachOutcomeOutboxHasItsTopicDefaultingToWaitlineAndItsName() {
    KafkaSettings defaults = Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")).kafka();
    assertThat(defaults.topicOf(Notifications.OUTCOMES)).isEqualTo("waitline.notification-outcomes");
    assertThat(defaults.topicOf(Payments.OUTCOMES)).isEqualTo("waitline.payment-outcomes");
    assertThat(defaults.topicOf(SyncService.RESULTS)).isEqualTo("waitline.sync-results");
    KafkaSettings named = Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "KAFKA_PAYMENT_OUTCOMES_TOPIC", "clinic.payments")).kafka();
    assertThat(named.topicOf(Payments.OUTCOMES)).isEqualTo("clinic.payments");
    assertThat(named.topicOf(SyncService.RESULTS)).isEqualTo("waitline.sync-results");
    assertThatThrownBy(() -> Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "KAFKA_SYNC_RESULTS_TOPIC", "sync results")))
        .hasMessageContaining("KAFKA_SYNC_RESULTS_TOPIC must be a Kafka topic name")
        .hasMessageContaining("\"sync results\" is not one");
    assertThatThrownBy(() -> Config.load(Map.of("KAFKA_NOTIFICATION_OUTCOMES_TOPIC", "clinic.messages")))
        .hasMessageContaining("KAFKA_NOTIFICATION_OUTCOMES_TOPIC is set but KAFKA_BOOTSTRAP_SERVERS is not");
  }

  @Test
  void badKafkaSettingsAreRefusedWithASentenceNamingTheKey() {
    assertThatThrownBy(() -> Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2")))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS").hasMessageContaining("\"kafka-2\" is not host:port");
    assertThatThrownBy(() -> Config.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "KAFKA_QUEUE_EVENTS_TOPIC", "queue events")))
        .hasMessageContaining("KAFKA_QUEUE_EVENTS_TOPIC").hasMessageContaining("\"queue events\" is not one");
    assertThatThrownBy(() -> Config.load(Map.of("KAFKA_QUEUE_EVENTS_TOPIC", "clinic.events")))
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS is not");
  }

  @Test
  void connectionsPerAddressDefaultTo256AndAreAWholeNumberOfAtLeastOne() {
    assertThat(Config.load(Map.of()).maxConnectionsPerAddress()).isEqualTo(256);
    assertThat(Config.load(Map.of("WAITLINE_MAX_CONNECTIONS_PER_ADDRESS", "5000")).maxConnectionsPerAddress())
        .isEqualTo(5000);
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_MAX_CONNECTIONS_PER_ADDRESS", "0")))
        .hasMessageContaining("WAITLINE_MAX_CONNECTIONS_PER_ADDRESS");
  }

  @Test
  void publicUrlLosesItsTrailingSlash() {
    assertThat(Config.load(Map.of("WAITLINE_PUBLIC_URL", "https://q.example.org/")).publicUrl())
        .isEqualTo("https://q.example.org");
  }

  @Test
  void tlsNeedsBothPemFilesAndEachMustBeReadable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----");
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----");

    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_TLS_CERT", cert.toString())))
        .hasMessageContaining("WAITLINE_TLS_KEY").hasMessageContaining("both");
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_TLS_CERT", cert.toString(),
        "WAITLINE_TLS_KEY", dir.resolve("missing.pem").toString())))
        .hasMessageContaining("WAITLINE_TLS_KEY").hasMessageContaining("missing.pem");

    Config tls = Config.load(Map.of("WAITLINE_TLS_CERT", cert.toString(), "WAITLINE_TLS_KEY", key.toString()));
    assertThat(tls.tls().certificate()).isEqualTo(cert.toAbsolutePath());
    assertThat(tls.secure()).isTrue();
    assertThat(Config.load(Map.of()).secure()).isFalse();
    assertThat(Config.load(Map.of("WAITLINE_PUBLIC_URL", "https://q.example.org")).secure()).isTrue();
  }

  @Test
  void theDropRootIsAnExistingDirectoryOrUnsetAndNothingElseStartsTheServer(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    assertThat(Config.load(Map.of()).dropRoot()).isNull();
    assertThat(Config.load(Map.of("WAITLINE_DROP_ROOT", dir.toString())).dropRoot()).isEqualTo(dir.toAbsolutePath());
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not-a-folder"), "");
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_DROP_ROOT", file.toString())))
        .hasMessage("WAITLINE_DROP_ROOT must name an existing directory (the root of the csv sources' drop folders); "
            + file.toAbsolutePath() + " is not one");
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_DROP_ROOT", dir.resolve("missing").toString())))
        .hasMessageContaining("WAITLINE_DROP_ROOT must name an existing directory");
  }

  @Test
  void theMllpListenerRunsOnlyWhenItsPortIsSetAndThePortMustBeOne() {
    assertThat(Config.load(Map.of()).mllpPort()).isNull();
    assertThat(Config.load(Map.of("WAITLINE_MLLP_PORT", "2575")).mllpPort()).isEqualTo(2575);
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_MLLP_PORT", "mllp")))
        .hasMessage("WAITLINE_MLLP_PORT must be a whole number from 0 to 65535, got 'mllp'");
  }

  @Test
  void insightsRollUpEveryTenMinutesUnlessSetToBetweenASecondAndADay() {
    assertThat(Config.load(Map.of()).insightsRollupSeconds()).isEqualTo(600);
    assertThat(Config.load(Map.of("WAITLINE_INSIGHTS_ROLLUP_SECONDS", "5")).insightsRollupSeconds()).isEqualTo(5);
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_INSIGHTS_ROLLUP_SECONDS", "0")))
        .hasMessage("WAITLINE_INSIGHTS_ROLLUP_SECONDS must be a whole number from 1 to 86400, got '0'");
  }

  @Test
  void patientDetailsAreKept180DaysUnlessSetToBetweenAWeekAndTenYearsAndRemovedHourly() {
    assertThat(Config.load(Map.of()).retention().days()).isEqualTo(180);
    assertThat(Config.load(Map.of("WAITLINE_RETENTION_DAYS", "30")).retention().days()).isEqualTo(30);
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_RETENTION_DAYS", "2")))
        .hasMessage("WAITLINE_RETENTION_DAYS must be a whole number from 7 to 3650, got '2'");
    assertThat(Config.load(Map.of()).retentionSeconds()).isEqualTo(3600);
    assertThatThrownBy(() -> Config.load(Map.of("WAITLINE_RETENTION_SECONDS", "1")))
        .hasMessage("WAITLINE_RETENTION_SECONDS must be a whole number from 60 to 86400, got '1'");
  }
}
