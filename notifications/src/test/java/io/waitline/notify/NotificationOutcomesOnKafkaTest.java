package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.event.kafka.KafkaBroker;
import io.waitline.queue.event.kafka.KafkaEvents;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where messages end (sent, delivered…), on the notification outcomes topic of a real Kafka broker (KRaft). */
class NotificationOutcomesOnKafkaTest extends SmsAndEmailSetup {
  private static final String TOPIC = "waitline.notification-outcomes";

  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  @Override
  protected NotificationsConfig config() {
    return TwilioWebhooksTest.signedByTwilio();
  }

  @Override
  protected boolean publishesOutcomes() {
    return true;
  }

  @Test
  void anSmsSentThenDeliveredAndAnEmailFallbackArriveKeyedByTheVisitWithChannelAndOutcomeButNoAddress() {
    String q = world.newQueue();
    Entry ann = world.checkIn(q, "Ann Lee", "+447700900123", null);
    twilio.invalidNumbers.add("+447700900999");
    Entry cy = world.checkIn(q, "Cy Dee", "+447700900999", "cy@example.org");
    world.drain(notifications);
    FakeTwilio.Sms sms = twilio.accepted.get(0);
    world.await(notifications.twilio().statusCallback(TwilioWebhooksTest.report(sms, "delivered", null),
        TwilioWebhooksTest.intentOf(sms)));
    long recorded = world.await(world.pool.query("SELECT count(*) FROM notify_outcome").execute()).iterator().next()
        .getLong(0);

    KafkaEvents relays = world.await(kafka.relays(world.vertx, world.pool, world.clock, Notifications.OUTCOMES));
    try {
      List<ConsumerRecord<String, String>> records = kafka.awaitRecords(TOPIC, (int) recorded);
      assertThat(records).as("every outcome recorded, each once").hasSize((int) recorded);
      List<JsonObject> annCheckIn = checkedIn(records, ann);
      assertThat(annCheckIn).extracting(o -> o.getString("outcome") + " " + o.getString("channel"))
          // a send that timed out on a busy machine is first "unknown", then looked up: an outcome of its own
          .as("in order, under the visit's key").endsWith("sent sms", "delivered sms");
      assertThat(annCheckIn.get(0).getMap()).containsAllEntriesOf(Map.of("entryId", ann.id().toString(),
          "siteId", NotifyWorld.SITE, "queueId", q, "ticket", ann.ticket(), "rounds", 0));
      assertThat(checkedIn(records, cy)).extracting(o -> o.getString("outcome") + " " + o.getString("channel"))
          .as("the rejected number fell back to e-mail").endsWith("sent email");
      JsonObject first = new JsonObject(records.get(0).value());
      assertThat(first.getString("source")).isEqualTo("/waitline/notifications");
      assertThat(first.getString("id")).startsWith("notification-outcomes/");
      assertThat(records).extracting(ConsumerRecord::value).as("no name, number or address")
          .noneMatch(v -> v.contains("Ann") || v.contains("Cy Dee") || v.contains("+4477") || v.contains("@example"));
    } finally {
      world.await(relays.close());
    }
  }

  /** The data of the visit's check-in message outcomes, in topic order. */
  private static List<JsonObject> checkedIn(List<ConsumerRecord<String, String>> records, Entry visit) {
    return records.stream().filter(r -> r.key().equals(visit.id().toString()))
        .map(r -> new JsonObject(r.value()))
        .filter(e -> e.getString("type").equals("io.waitline.notification.outcome"))
        .map(e -> e.getJsonObject("data")).filter(d -> d.getString("kind").equals("checked_in")).toList();
  }
}
