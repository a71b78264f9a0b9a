package io.waitline.pay;

import static io.waitline.pay.support.PaymentWorld.DESK_READER;
import static io.waitline.pay.support.PaymentWorld.KIOSK_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.support.LocalStripe;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stripe Terminal's server-driven flow through the real SDK against a local Stripe: the paths a patient meets. */
class StripeTerminalFlowTest {
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  @Test
  void aKioskCoPayIsAuthorizedOnTheReaderCapturedOnceAndItsReceiptQueued() {
    Entry visit = w.checkIn();
    JsonObject p = w.get(w.payments.pay(visit.id(), "kiosk", null, "device:kiosk-1"));
    assertThat(p.getString("state")).isEqualTo("processing");
    assertThat(p.getString("readerId")).isEqualTo(KIOSK_READER);

    w.tapCard(KIOSK_READER);
    JsonObject paid = w.get(w.payments.payment(w.id(p)));

    assertThat(paid.getString("state")).isEqualTo("succeeded");
    assertThat(paid.getLong("capturedMinor")).isEqualTo(2000);
    assertThat(paid.getString("cardBrand")).isEqualTo("visa");
    assertThat(paid.getString("cardLast4")).isEqualTo("4242");
    assertThat(paid.getString("amount")).isEqualTo("€20.00");
    assertThat(w.stripe.intents()).hasSize(1);
    assertThat(w.stripe.intents().get(0).getString("capture_method")).isEqualTo("manual");
    assertThat(w.stripe.intents().get(0).getJsonObject("metadata").getString("waitline_payment"))
        .isEqualTo(p.getString("id"));
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
    JsonArray messages = w.get(w.notifications.entryNotifications(visit.id()));
    assertThat(messages).extracting(m -> ((JsonObject) m).getString("kind")).containsExactly("receipt");
  }

  @Test
  void everyProcessorCallCarriesTheIdempotencyKeyStoredBeforeIt() {
    Entry visit = w.checkIn();
    JsonObject p = w.get(w.payments.pay(visit.id(), "kiosk", null, "desk"));
    w.tapCard(KIOSK_READER);
    w.get(w.payments.payment(w.id(p)));

    List<String> sent = w.stripe.requests().stream()
        .filter(r -> r.method().equals("POST") && !r.path().startsWith("/v1/test_helpers"))
        .map(LocalStripe.Request::idempotencyKey).toList();
    List<String> stored = w.rows("SELECT idempotency_key FROM payment_call WHERE payment_id = $1 ORDER BY id",
        w.id(p)).stream().map(r -> r.getString(0)).toList();
    assertThat(sent).doesNotContainNull().hasSize(3);
    assertThat(sent).containsExactlyElementsOf(stored);
    assertThat(stored).allMatch(k -> k.startsWith("waitline-" + p.getString("id")));
    assertThat(w.rows("SELECT outcome FROM payment_call WHERE payment_id = $1", w.id(p)))
        .allMatch(r -> r.getString(0).equals("ok"));
  }

  @Test
  void aDeclinedCardLeavesNothingChargedAndAnotherCardCanBeTriedOnTheSameIntent() {
    Entry visit = w.checkInOwing(2005); // Stripe's test amount ending 05: generic_decline
    JsonObject p = w.tappedAtKiosk(visit);

    JsonObject declined = w.get(w.payments.payment(w.id(p)));
    assertThat(declined.getString("state")).isEqualTo("declined");
    assertThat(declined.getString("failure")).isEqualTo(
        "The card was declined. Please try another card or pay at the desk.");
    assertThat(w.stripe.netCaptured()).isZero();

    JsonObject again = w.get(w.payments.pay(visit.id(), "desk", DESK_READER, "desk:ann"));
    assertThat(again.getString("id")).isEqualTo(p.getString("id"));
    assertThat(again.getString("state")).isEqualTo("processing");
    assertThat(again.getInteger("attempts")).isEqualTo(2);
    assertThat(w.stripe.intents()).hasSize(1);
  }

  @Test
  void aWrongPinIsToldInWordsThePatientUnderstands() {
    Entry visit = w.checkInOwing(1555); // ending 55: incorrect_pin
    JsonObject p = w.tappedAtKiosk(visit);
    assertThat(w.get(w.payments.payment(w.id(p))).getString("failure"))
        .isEqualTo("The PIN was not accepted. Please try again or use another card.");
  }

  @Test
  void anOfflineReaderIsRefusedWithASentenceAndThePaymentCanMoveToTheDesk() {
    w.stripe.addReader(KIOSK_READER, false);
    Entry visit = w.checkIn();
    assertThatThrownBy(() -> w.payAtKiosk(visit))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("The card reader is offline. Please pay at the desk.");
    JsonObject live = w.get(w.payments.copay(visit.id())).getJsonObject("payment");
    assertThat(live.getString("state")).isEqualTo("ready");

    JsonObject atDesk = w.get(w.payments.pay(visit.id(), "desk", null, "desk:ann"));
    assertThat(atDesk.getString("state")).isEqualTo("processing");
    assertThat(atDesk.getString("readerId")).isEqualTo(DESK_READER);
  }

  @Test
  void cancellingOnTheReaderCancelsTheIntentAndAFreshPaymentMayStart() {
    Entry visit = w.checkIn();
    JsonObject p = w.payAtKiosk(visit);
    JsonObject canceled = w.get(w.payments.cancel(w.id(p)));
    assertThat(canceled.getString("state")).isEqualTo("canceled");
    assertThat(w.stripe.intent(w.stripe.intents().get(0).getString("id")).getString("status")).isEqualTo("canceled");

    JsonObject fresh = w.payAtKiosk(visit);
    assertThat(fresh.getString("id")).isNotEqualTo(p.getString("id"));
  }

  @Test
  void aPaidCoPayIsNotTakenAgainAndCannotBeCancelled() {
    Entry visit = w.checkIn();
    JsonObject p = w.paidByCard(visit);

    assertThatThrownBy(() -> w.payAtKiosk(visit))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("This visit's co-pay is already paid.");
    assertThatThrownBy(() -> w.get(w.payments.cancel(w.id(p))))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("This co-pay is paid; refund it instead.");
    assertThat(w.stripe.intents()).hasSize(1);
  }

  @Test
  void aDeskOnlyCoPayIsRefusedAtTheKioskAndNoCoPayMeansNothingToTake() {
    w.get(w.payments.saveQueueSetting(new io.waitline.pay.store.Settings.QueueSetting("general", 2000, "desk")));
    Entry visit = w.checkIn();
    assertThatThrownBy(() -> w.payAtKiosk(visit))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("This co-pay is taken at the desk.");
    w.get(w.payments.saveQueueSetting(new io.waitline.pay.store.Settings.QueueSetting("general", 2000, "none")));
    assertThatThrownBy(() -> w.get(w.payments.pay(visit.id(), "desk", null, "desk")))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("There is no co-pay to take for this visit.");
    assertThat(w.stripe.requests()).isEmpty();
  }

  @Test
  void noCardDataIsSentByWaitlineNorHasAPlaceToBeStored() {
    JsonObject p = w.paidByCard(w.checkIn());
    w.get(w.payments.refund(w.id(p), 100, "test", "manager"));

    assertThat(w.stripe.requests()).filteredOn(r -> !r.path().startsWith("/v1/test_helpers"))
        .allSatisfy(r -> assertThat(r.body() + r.path()).doesNotContainPattern("(?i)card\\[|number|cvc|exp_|track"));
    List<String> columns = w.rows("SELECT table_name || '.' || column_name FROM information_schema.columns"
        + " WHERE table_name LIKE 'payment%'").stream().map(r -> r.getString(0)).toList();
    assertThat(columns).hasSizeGreaterThan(40)
        .noneMatch(c -> c.matches("(?i).*(pan|number|cvc|cvv|track|expir|exp_).*"));
  }
}
