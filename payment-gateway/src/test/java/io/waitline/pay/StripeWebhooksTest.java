package io.waitline.pay;

import static io.waitline.pay.support.PaymentWorld.KIOSK_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.Webhook;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.support.Fixtures;
import io.waitline.pay.support.LocalStripe;
import io.waitline.pay.support.LocalStripe.Fault;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stripe's webhooks: verified by the SDK, applied once per event id, never moving a payment back. */
class StripeWebhooksTest {
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  private String intentId() {
    return w.stripe.intents().get(0).getString("id");
  }

  @Test
  void anAuthorizationReportedByWebhookIsCapturedAndItsRedeliveryIsADuplicate() {
    JsonObject p = w.tappedAtKiosk(w.checkIn());
    JsonObject event = w.stripe.event("payment_intent.amount_capturable_updated", w.stripe.intent(intentId()));

    assertThat(w.deliver(event)).isEqualTo("applied");
    assertThat(w.stateOf(p)).isEqualTo("succeeded");
    assertThat(w.deliver(event)).isEqualTo("duplicate");
    assertThat(w.deliver(event)).isEqualTo("duplicate");

    assertThat(w.stripe.requests("POST", "/v1/payment_intents/[^/]+/capture")).hasSize(1);
    assertThat(w.count("SELECT count(*) FROM payment_webhook_event WHERE event_id = $1", event.getString("id")))
        .isEqualTo(1);
    assertThat(w.get(w.notifications.entryNotifications(entryOf(p)))).hasSize(1);
  }

  @Test
  void eventsArrivingOutOfOrderNeverMoveAPaymentBack() {
    JsonObject p = w.tappedAtKiosk(w.checkIn());
    JsonObject authorized = w.stripe.event("payment_intent.amount_capturable_updated", w.stripe.intent(intentId()));
    JsonObject readerDone = w.stripe.event("terminal.reader.action_succeeded", readerWithAction(intentId(),
        "succeeded"));
    // the capture's answer is lost; Stripe then reports success before the older events arrive
    w.stripe.fault("POST", "/v1/payment_intents/[^/]+/capture", Fault.DROP_AFTER_WORK);
    w.stripe.fault("POST", "/v1/payment_intents/[^/]+/capture", Fault.DROP_AFTER_WORK);
    assertThat(w.stateOf(p)).isEqualTo("unknown");
    JsonObject succeeded = w.stripe.event("payment_intent.succeeded", w.stripe.intent(intentId()));

    assertThat(w.deliver(succeeded)).isEqualTo("applied");
    assertThat(w.deliver(authorized)).isEqualTo("ignored");
    assertThat(w.deliver(readerDone)).isEqualTo("ignored");

    JsonObject paid = w.get(w.payments.payment(w.id(p)));
    assertThat(paid.getString("state")).isEqualTo("succeeded");
    assertThat(paid.getLong("capturedMinor")).isEqualTo(2000);
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
  }

  @Test
  void aReaderFailureReportedByWebhookIsADeclineWithASentence() {
    Entry visit = w.checkInOwing(2001);
    JsonObject p = w.tappedAtKiosk(visit);
    JsonObject reader = readerWithAction(intentId(), "failed");
    reader.getJsonObject("action").put("failure_code", "card_declined");

    assertThat(w.deliver(w.stripe.event("terminal.reader.action_failed", reader))).isEqualTo("applied");
    JsonObject declined = w.get(w.payments.payment(w.id(p)));
    assertThat(declined.getString("state")).isEqualTo("declined");
    assertThat(declined.getString("failure")).startsWith("The card was declined.");
  }

  @Test
  void aRefundSettledByWebhookCountsOnceHoweverOftenItIsDelivered() {
    JsonObject p = w.tappedAtKiosk(w.checkIn());
    w.get(w.payments.payment(w.id(p)));
    w.stripe.fault("POST", "/v1/refunds", Fault.DROP_AFTER_WORK);
    w.stripe.fault("POST", "/v1/refunds", Fault.DROP_AFTER_WORK);
    JsonObject refund = w.get(w.payments.refund(w.id(p), 500, "overcharged", "manager:mo"));
    assertThat(refund.getString("state")).isEqualTo("unknown");

    JsonObject event = w.stripe.event("refund.updated", w.stripe.refunds().get(0));
    assertThat(w.deliver(event)).isEqualTo("applied");
    assertThat(w.deliver(event)).isEqualTo("duplicate");

    JsonObject after = w.get(w.payments.payment(w.id(p)));
    assertThat(after.getLong("refundedMinor")).isEqualTo(500);
    assertThat(after.getLong("refundableMinor")).isEqualTo(1500);
  }

  @Test
  void aBadOrMissingSignatureIsRefusedWithASentenceAndNothingIsRecorded() {
    w.tappedAtKiosk(w.checkIn());
    String payload = w.stripe.event("payment_intent.amount_capturable_updated", w.stripe.intent(intentId()))
        .encode();
    long now = w.clock.instant().getEpochSecond();

    assertThatThrownBy(() -> w.get(w.payments.stripeWebhook(payload, LocalStripe.sign(payload, now, "whsec_other"))))
        .isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The Stripe-Signature header does not match this body, or is older than 5 minutes.");
    assertThatThrownBy(() -> w.get(w.payments.stripeWebhook(payload.replace("2000", "1"),
        LocalStripe.sign(payload, now, LocalStripe.WEBHOOK_SECRET)))).isInstanceOf(QueueException.Invalid.class);
    assertThatThrownBy(() -> w.get(w.payments.stripeWebhook(payload, null)))
        .isInstanceOf(QueueException.Invalid.class).hasMessage("The Stripe-Signature header is missing.");
    assertThatThrownBy(() -> w.get(w.payments.stripeWebhook("not json", LocalStripe.sign("not json", now,
        LocalStripe.WEBHOOK_SECRET)))).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The webhook body is not a Stripe event.");
    assertThat(w.count("SELECT count(*) FROM payment_webhook_event")).isZero();
  }

  @Test
  void aSignatureIsAcceptedForFiveMinutesAndNotAfter() {
    w.tappedAtKiosk(w.checkIn());
    String payload = w.stripe.event("payment_intent.amount_capturable_updated", w.stripe.intent(intentId()))
        .encode();
    long now = w.clock.instant().getEpochSecond();

    assertThatThrownBy(() -> w.get(w.payments.stripeWebhook(payload, LocalStripe.sign(payload, now - 301,
        LocalStripe.WEBHOOK_SECRET)))).isInstanceOf(QueueException.Invalid.class);
    assertThat(w.get(w.payments.stripeWebhook(payload, LocalStripe.sign(payload, now - 299,
        LocalStripe.WEBHOOK_SECRET)))).isEqualTo("applied");
  }

  @Test
  void theTestSignerAgreesWithAPublishedThirdPartyVectorAndTheSdkAcceptsIt() throws Exception {
    String haskell = Files.readString(Fixtures.root().resolve("stripe/typeclasses-stripe-signature_test.hs"));
    Matcher m = Pattern.compile("Base16\\.decode \\(Data\\.ByteString\\.Char8\\.pack \"([0-9a-f]{64})\"\\)")
        .matcher(haskell);
    assertThat(m.find()).isTrue();
    String header = "t=123,v1=" + m.group(1);

    assertThat(LocalStripe.sign("hello", 123, "secret")).isEqualTo(header);
    Clock at123 = Clock.fixed(Instant.ofEpochSecond(123), ZoneOffset.UTC);
    assertThat(Webhook.Signature.verifyHeader("hello", header, "secret", 300, at123)).isTrue();
    assertThatThrownBy(() -> Webhook.Signature.verifyHeader("hello!", header, "secret", 300, at123))
        .isInstanceOf(com.stripe.exception.SignatureVerificationException.class);
  }

  private JsonObject readerWithAction(String intent, String status) {
    JsonObject reader = Fixtures.stripe("terminal.reader").put("id", KIOSK_READER);
    return reader.put("action", new JsonObject().put("type", "process_payment_intent").put("status", status)
        .putNull("failure_code").putNull("failure_message")
        .put("process_payment_intent", new JsonObject().put("payment_intent", intent)));
  }

  private static java.util.UUID entryOf(JsonObject payment) {
    return java.util.UUID.fromString(payment.getString("entryId"));
  }
}
