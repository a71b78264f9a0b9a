package io.waitline.pay;

import static io.waitline.pay.support.PaymentWorld.DAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.waitline.pay.sandbox.SandboxProcessor;
import io.waitline.pay.store.Settings.Reader;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded default's simulated terminal behaves as docs/payments.md says, driven by the test clock. */
class SandboxTerminalTest {
  private PaymentWorld w;
  private Payments sandbox;

  @BeforeEach
  void start() {
    w = PaymentWorld.start();
    sandbox = w.payments(new SandboxProcessor(w.clock));
    w.get(sandbox.saveReader(new Reader("sbx_offline", "main", "desk", "Unplugged")));
  }

  @AfterEach
  void stop() {
    w.get(sandbox.stop());
    w.close();
  }

  private JsonObject payAndWait(Entry visit, Duration wait) {
    JsonObject p = w.get(sandbox.pay(visit.id(), "kiosk", null, "kiosk"));
    assertThat(p.getString("state")).isEqualTo("processing");
    w.clock.advance(wait);
    return w.get(sandbox.payment(w.id(p)));
  }

  @Test
  void anOrdinaryAmountIsApprovedWhenThePatientTapsAndCapturedOnce() {
    Entry visit = w.checkIn();
    JsonObject p = w.get(sandbox.pay(visit.id(), "kiosk", null, "kiosk"));
    assertThat(w.get(sandbox.payment(w.id(p))).getString("state")).isEqualTo("processing");

    w.clock.advance(SandboxProcessor.TAP_AFTER);
    JsonObject paid = w.get(sandbox.payment(w.id(p)));
    assertThat(paid.getString("state")).isEqualTo("succeeded");
    assertThat(paid.getString("processor")).isEqualTo("sandbox");
    assertThat(paid.getString("cardBrand") + " " + paid.getString("cardLast4")).isEqualTo("visa 4242");
    assertThat(w.get(sandbox.reconciliation("main", DAY)).mismatches()).isEmpty();
    assertThat(w.get(sandbox.reconciliation("main", DAY)).processorNetMinor()).isEqualTo(2000);
  }

  @Test
  void theDocumentedTestAmountsDecline() {
    assertThat(payAndWait(w.checkInOwing(2001), SandboxProcessor.TAP_AFTER).getString("failure"))
        .isEqualTo("The card was declined. Please try another card or pay at the desk.");
    assertThat(payAndWait(w.checkInOwing(2005), SandboxProcessor.TAP_AFTER).getString("failure"))
        .isEqualTo("The card was declined for insufficient funds. Please try another card.");
    assertThat(payAndWait(w.checkInOwing(2055), SandboxProcessor.TAP_AFTER).getString("failure"))
        .isEqualTo("The PIN was not accepted. Please try again or use another card.");
  }

  @Test
  void anAmountEndingIn08IsNeverTappedAndTheReaderTimesOut() {
    Entry visit = w.checkInOwing(2008);
    JsonObject waiting = payAndWait(visit, Duration.ofSeconds(59));
    assertThat(waiting.getString("state")).isEqualTo("processing");
    w.clock.advance(Duration.ofSeconds(1));
    JsonObject timedOut = w.get(sandbox.payment(w.id(waiting)));
    assertThat(timedOut.getString("state")).isEqualTo("declined");
    assertThat(timedOut.getString("failure")).isEqualTo("No card was presented in time. Please try again.");
  }

  @Test
  void anOfflineReaderRefusesWithASentence() {
    Entry visit = w.checkIn();
    assertThatThrownBy(() -> w.get(sandbox.pay(visit.id(), "desk", "sbx_offline", "desk")))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("The card reader is offline. Please pay at the desk.");
  }
}
