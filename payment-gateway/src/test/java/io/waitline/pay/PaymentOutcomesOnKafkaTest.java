package io.waitline.pay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.event.kafka.KafkaBroker;
import io.waitline.queue.event.kafka.KafkaEvents;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where co-pays and refunds end, on the payment outcomes topic of a real Kafka broker (KRaft, in its own JVM). */
class PaymentOutcomesOnKafkaTest {
  private static final String TOPIC = "waitline.payment-outcomes";

  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  @Test
  void aCardPaymentACashPaymentAndARefundArriveKeyedByTheVisitWithIdsAndAmountsButNoPatient() {
    w.payments = w.publishingOutcomes();
    Entry byCard = w.checkIn();
    JsonObject card = w.paidByCard(byCard);
    Entry inCash = w.checkIn();
    JsonObject cash = w.get(w.payments.payCash(inCash.id(), null, "desk:ann"));
    JsonObject refund = w.get(w.payments.refund(w.id(card), 500, "Overcharged " + byCard.patient().name(),
        "manager:mo"));
    assertThat(w.count("SELECT count(*) FROM payment_outcome")).as("one outcome per payment or refund that ended")
        .isEqualTo(3);

    KafkaEvents relays = w.get(kafka.relays(w.vertx, w.pool, w.clock, Payments.OUTCOMES));
    try {
      List<ConsumerRecord<String, String>> records = kafka.awaitRecords(TOPIC, 3);
      JsonObject cardOutcome = envelope(records, byCard, "io.waitline.payment.outcome");
      assertThat(cardOutcome.getString("source")).isEqualTo("/waitline/payments");
      assertThat(cardOutcome.getString("subject")).isEqualTo(byCard.id().toString());
      assertThat(cardOutcome.getString("id")).startsWith("payment-outcomes/");
      assertThat(cardOutcome.getJsonObject("data").getMap()).containsAllEntriesOf(Map.of(
          "paymentId", card.getString("id"), "entryId", byCard.id().toString(), "siteId", PaymentWorld.SITE,
          "method", "card", "outcome", "succeeded", "amountMinor", 2000, "capturedMinor", 2000, "currency", "eur"));
      assertThat(envelope(records, inCash, "io.waitline.payment.outcome").getJsonObject("data").getMap())
          .containsAllEntriesOf(Map.of("paymentId", cash.getString("id"), "method", "cash", "outcome", "succeeded",
              "amountMinor", 2000));
      assertThat(envelope(records, byCard, "io.waitline.payment.refund").getJsonObject("data").getMap())
          .containsAllEntriesOf(Map.of("refundId", refund.getString("id"), "paymentId", card.getString("id"),
              "entryId", byCard.id().toString(), "outcome", "succeeded", "amountMinor", 500, "currency", "eur"));
      assertThat(records).extracting(ConsumerRecord::value).as("no name, address or typed reason")
          .noneMatch(v -> v.contains(byCard.patient().name()) || v.contains(inCash.patient().name())
              || v.contains("@example.test") || v.contains("Overcharged"));
    } finally {
      w.get(relays.close());
    }
  }

  @Test
  void withoutKafkaAPaymentRecordsNoOutcome() {
    JsonObject card = w.paidByCard(w.checkIn());
    w.get(w.payments.refund(w.id(card), 500, "Overcharged", "manager:mo"));

    assertThat(w.count("SELECT count(*) FROM payment WHERE state = 'succeeded'")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM payment_refund WHERE state = 'succeeded'")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM payment_outcome")).isZero();
  }

  /** The one record of {@code type} about {@code visit} (its key). */
  private static JsonObject envelope(List<ConsumerRecord<String, String>> records, Entry visit, String type) {
    List<JsonObject> found = records.stream().filter(r -> r.key().equals(visit.id().toString()))
        .map(r -> new JsonObject(r.value())).filter(e -> e.getString("type").equals(type)).toList();
    assertThat(found).as(type + " of " + visit.id()).hasSize(1);
    return found.get(0);
  }
}
