package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.event.kafka.KafkaBroker;
import io.waitline.queue.event.kafka.KafkaEvents;
import io.waitline.sync.source.Source;
import io.waitline.sync.webhook.WebhookSignature;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What became of each received record, on the sync results topic of a real Kafka broker (KRaft, in its own JVM). */
class SyncResultsOnKafkaTest {
  private static final String TOPIC = "waitline.sync-results";

  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  @RegisterExtension
  final SyncWorld w = SyncWorld.start(SyncWorld.testSettings().publishingResults(true));

  @Test
  void appliedStaleAndDeadRecordsArriveKeyedByTheAppointmentRefWithTheirOutcomeButNoPatient() {
    Source source = w.get(w.sync.create(SyncWorld.SITE, WebhookSourceTest.sourceJson()));
    Instant t0 = w.clock.instant();
    JsonObject arrived = WebhookSourceTest.event("evt-2", "A-1", "checkedin", t0.plusSeconds(60), null);
    assertThat(post(source, arrived).getString("outcome")).isEqualTo("applied");
    assertThat(post(source, arrived).getString("outcome")).as("not a result of its own").isEqualTo("duplicate");
    assertThat(post(source, WebhookSourceTest.event("evt-1", "A-1", "scheduled", t0, null)).getString("outcome"))
        .isEqualTo("stale");
    assertThat(post(source, WebhookSourceTest.event("evt-3", "A-2", "teleported", t0, null)).getString("outcome"))
        .isEqualTo("dead");
    String ref = w.entryFor(source, "A-1").appointmentRef();

    KafkaEvents relays = w.get(kafka.relays(w.vertx, w.pool, w.clock, SyncService.RESULTS));
    try {
      List<ConsumerRecord<String, String>> records = kafka.awaitRecords(TOPIC, 3);
      assertThat(records.stream().filter(r -> r.key().equals(ref)).map(r -> new JsonObject(r.value())))
          .extracting(e -> e.getJsonObject("data").getString("outcome")).as("A-1's results in order, under its visit's ref")
          .containsExactly("applied", "stale");
      JsonObject applied = records.stream().filter(r -> r.key().equals(ref)).map(r -> new JsonObject(r.value()))
          .findFirst().orElseThrow();
      assertThat(applied.getString("type")).isEqualTo("io.waitline.sync.result");
      assertThat(applied.getString("source")).isEqualTo("/waitline/sync");
      assertThat(applied.getString("subject")).isEqualTo(ref);
      assertThat(applied.getJsonObject("data").getMap()).containsAllEntriesOf(Map.of("sourceId",
          source.id().toString(), "siteId", SyncWorld.SITE, "externalId", ref.substring(ref.indexOf(':') + 1),
          "appointmentRef", ref));
      assertThat(records).extracting(r -> new JsonObject(r.value()).getJsonObject("data").getString("outcome"))
          .containsExactlyInAnyOrder("applied", "stale", "dead");
      assertThat(records).extracting(ConsumerRecord::value).as("no name, number or sentence")
          .noneMatch(v -> v.contains("Ann Lee") || v.contains("+3361") || v.contains("teleported"));
    } finally {
      w.get(relays.close());
    }
  }

  @Test
  void withoutKafkaNoResultIsRecorded() {
    try (SyncWorld plain = SyncWorld.start()) {
      Source source = plain.get(plain.sync.create(SyncWorld.SITE, WebhookSourceTest.sourceJson()));
      String body = WebhookSourceTest.event("evt-1", "A-1", "scheduled", plain.clock.instant(), null).encode();
      assertThat(plain.get(plain.sync.webhookEvent(source.id(), WebhookSignature.sign(WebhookSourceTest.SECRET, body,
          plain.clock.instant()), body)).getString("outcome")).isEqualTo("applied");

      assertThat(plain.count("SELECT count(*) FROM sync_inbox")).isEqualTo(1);
      assertThat(plain.count("SELECT count(*) FROM sync_result")).isZero();
    }
  }

  private JsonObject post(Source source, JsonObject event) {
    String body = event.encode();
    return w.get(w.sync.webhookEvent(source.id(), WebhookSignature.sign(WebhookSourceTest.SECRET, body,
        w.clock.instant()), body));
  }
}
