package io.waitline.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.support.LocalStripe.Fault;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Refunds never exceed what was captured, also when they race; cash is recorded and refunded without Stripe. */
class RefundsAndCashTest {
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  @Test
  void aPartialRefundThenTheRestButNeverMore() {
    JsonObject p = w.paidByCard(w.checkIn());
    JsonObject first = w.get(w.payments.refund(w.id(p), 500, "Overcharged", "manager:mo"));
    assertThat(first.getString("state")).isEqualTo("succeeded");
    assertThatThrownBy(() -> w.get(w.payments.refund(w.id(p), 2000, "Again", "manager:mo")))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("At most €15.00 of this payment can still be refunded.");
    w.get(w.payments.refund(w.id(p), 1500, "Visit cancelled", "manager:mo"));

    JsonObject after = w.get(w.payments.payment(w.id(p)));
    assertThat(after.getLong("refundedMinor")).isEqualTo(2000);
    assertThat(after.getLong("refundableMinor")).isZero();
    assertThat(w.stripe.netCaptured()).isZero();
    assertThat(w.get(w.payments.refunds(w.id(p)))).hasSize(2);
  }

  @Test
  void refundsRacingFromTwoNodesNeverExceedWhatWasCaptured() {
    JsonObject p = w.paidByCard(w.checkIn());
    PaymentWorld.Node other = w.node();
    try {
      List<Future<JsonObject>> racing = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Payments node = i % 2 == 0 ? w.payments : other.payments();
        racing.add(node.refund(w.id(p), 800, "race " + i, "manager:mo"));
      }
      w.get(Future.join(racing).otherwiseEmpty());
      assertThat(racing.stream().filter(Future::succeeded)).hasSize(2);
      assertThat(racing.stream().filter(Future::failed))
          .allMatch(f -> f.cause() instanceof QueueException.Conflict);
      assertThat(w.stripe.refunds()).hasSize(2);
      assertThat(w.stripe.netCaptured()).isEqualTo(400);
      assertThat(w.get(w.payments.payment(w.id(p))).getLong("refundedMinor")).isEqualTo(1600);
    } finally {
      other.kill();
    }
  }

  @Test
  void aRefundWithoutAnswerIsLookedUpAtStripeAndNotMadeAgain() {
    JsonObject p = w.paidByCard(w.checkIn());
    w.stripe.fault("POST", "/v1/refunds", Fault.DROP_AFTER_WORK);
    w.stripe.fault("POST", "/v1/refunds", Fault.DROP_AFTER_WORK);
    JsonObject refund = w.get(w.payments.refund(w.id(p), 2000, "Visit cancelled", "manager:mo"));
    assertThat(refund.getString("state")).isEqualTo("unknown");
    assertThat(w.get(w.payments.payment(w.id(p))).getLong("refundableMinor")).isZero();

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.sweep());

    assertThat(w.get(w.payments.refunds(w.id(p))).getJsonObject(0).getString("state")).isEqualTo("succeeded");
    assertThat(w.stripe.refunds()).hasSize(1);
    assertThat(w.stripe.requests("POST", "/v1/refunds")).extracting(r -> r.idempotencyKey())
        .containsOnly("waitline-refund-" + refund.getString("id"));
    assertThat(w.get(w.payments.payment(w.id(p))).getLong("refundedMinor")).isEqualTo(2000);
  }

  @Test
  void onlyAPaidCoPayIsRefundedAndARefundNeedsAnAmountAndAReason() {
    Entry visit = w.checkIn();
    JsonObject pending = w.payAtKiosk(visit);
    assertThatThrownBy(() -> w.get(w.payments.refund(w.id(pending), 100, "x", "manager:mo")))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("Only a paid co-pay can be refunded; this one is processing.");
    assertThatThrownBy(() -> w.get(w.payments.refund(w.id(pending), 0, "x", "manager:mo")))
        .isInstanceOf(QueueException.Invalid.class);
    assertThatThrownBy(() -> w.get(w.payments.refund(w.id(pending), 100, " ", "manager:mo")))
        .isInstanceOf(QueueException.Invalid.class).hasMessage("A refund needs a reason.");
  }

  @Test
  void cashIsRecordedAtTheDeskRefundedInCashAndNeverTouchesStripe() {
    Entry visit = w.checkIn();
    JsonObject cash = w.get(w.payments.payCash(visit.id(), null, "desk:ann"));
    assertThat(cash.getString("state")).isEqualTo("succeeded");
    assertThat(cash.getString("method")).isEqualTo("cash");
    assertThat(cash.getLong("capturedMinor")).isEqualTo(2000);
    assertThatThrownBy(() -> w.payAtKiosk(visit))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("This visit's co-pay is already paid.");
    assertThatThrownBy(() -> w.get(w.payments.payCash(visit.id(), null, "desk:ann")))
        .isInstanceOf(QueueException.Conflict.class).hasMessage("This visit's co-pay is already paid.");

    JsonObject part = w.get(w.payments.refund(w.id(cash), 500, "Overcharged", "manager:mo"));
    JsonObject rest = w.get(w.payments.refund(w.id(cash), 1500, "Visit cancelled", "manager:mo"));
    assertThat(part.getString("state")).isEqualTo("succeeded");
    assertThat(rest.getString("state")).isEqualTo("succeeded");
    assertThat(w.get(w.payments.payment(w.id(cash))).getLong("refundedMinor")).isEqualTo(2000);
    assertThat(w.stripe.requests()).isEmpty();
    assertThat(w.get(w.notifications.entryNotifications(visit.id()))).hasSize(1);
  }

  @Test
  void cashIsRefusedWhileACardPaymentIsUnderWay() {
    Entry visit = w.checkIn();
    w.payAtKiosk(visit);
    assertThatThrownBy(() -> w.get(w.payments.payCash(visit.id(), null, "desk:ann")))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("A card payment for this visit is under way; cancel it before recording cash.");
  }
}
