package io.waitline.pay;

import static io.waitline.pay.support.PaymentWorld.KIOSK_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.processor.ProcessorException;
import io.waitline.pay.stripe.StripeProcessor;
import io.waitline.pay.support.LocalStripe;
import io.waitline.pay.support.LocalStripe.Fault;
import io.waitline.pay.support.PaymentWorld;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The processor hangs, answers late, drops the connection after doing the work or fails with a 5xx; two taps and
 * two nodes race; a node dies mid-call. Each time the patient is charged exactly once, and what was unknown is
 * resolved by retrieving, never by creating or capturing under a new key.
 */
class NeverChargedTwiceTest {
  private static final String CREATE = "/v1/payment_intents";
  private static final String PROCESS = "/v1/terminal/readers/[^/]+/process_payment_intent";
  private static final String CAPTURE = "/v1/payment_intents/[^/]+/capture";
  @RegisterExtension
  final PaymentWorld w = PaymentWorld.start();

  @BeforeEach
  void start() {
    w.stripe.lateBy(PaymentWorld.READ_TIMEOUT.toMillis() * 4);
  }

  @Test
  void aCreateThatHangsIsUnknownThenFoundMissingAndTheNextTapCreatesUnderTheSameKey() {
    Entry visit = w.checkIn();
    w.stripe.fault("POST", CREATE, Fault.HANG);
    JsonObject p = w.payAtKiosk(visit);
    assertThat(p.getString("state")).isEqualTo("unknown");
    assertThat(w.stripe.intents()).isEmpty();

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.sweep());
    assertThat(w.stateOf(p)).isEqualTo("created");

    JsonObject again = w.payAtKiosk(visit);
    assertThat(again.getString("state")).isEqualTo("processing");
    assertThat(w.stripe.intents()).hasSize(1);
    assertThat(w.stripe.requests("POST", CREATE)).hasSize(2)
        .extracting(LocalStripe.Request::idempotencyKey).containsOnly("waitline-" + p.getString("id") + "-create");
  }

  @Test
  void aCreateAnsweredLateIsResolvedByFindingTheIntentNeverByCreatingAnother() {
    Entry visit = w.checkIn();
    w.stripe.fault("POST", CREATE, Fault.ANSWER_LATE);
    JsonObject p = w.payAtKiosk(visit);
    assertThat(p.getString("state")).isEqualTo("unknown");
    assertThat(w.stripe.intents()).hasSize(1);

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.sweep());
    JsonObject resolved = w.get(w.payments.payment(w.id(p)));
    assertThat(resolved.getString("state")).isEqualTo("ready");

    w.payAtKiosk(visit);
    w.tapCard(KIOSK_READER);
    assertThat(w.stateOf(p)).isEqualTo("succeeded");
    assertThat(w.stripe.intents()).hasSize(1);
    assertChargedOnceAfterResolving(CREATE, "create");
  }

  /** One {@code op} request reached Stripe at {@code path}, its unknown outcome was resolved, €20.00 was captured. */
  private void assertChargedOnceAfterResolving(String path, String op) {
    assertThat(w.stripe.requests("POST", path)).hasSize(1);
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
    assertThat(w.rows("SELECT outcome FROM payment_call WHERE op = $1", op)).extracting(r -> r.getString(0))
        .containsExactly("resolved");
  }

  @Test
  void aReaderRequestThatHangsIsResolvedFromTheIntentAndTheCardIsTakenOnce() {
    Entry visit = w.checkIn();
    w.stripe.fault("POST", PROCESS, Fault.HANG);
    JsonObject p = w.payAtKiosk(visit);
    assertThat(p.getString("state")).isEqualTo("unknown");

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.sweep());
    assertThat(w.stateOf(p)).isEqualTo("ready");

    assertThat(w.payAtKiosk(visit).getString("state")).isEqualTo("processing");
    w.tapCard(KIOSK_READER);
    assertThat(w.stateOf(p)).isEqualTo("succeeded");
    assertThat(w.stripe.charges()).hasSize(1);
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
  }

  @Test
  void aCaptureWhoseConnectionDropsAfterChargingIsResolvedAsPaidWithoutCapturingAgain() {
    Entry visit = w.checkIn();
    JsonObject p = w.tappedAtKiosk(visit);
    dropBothTries(CAPTURE);
    assertThat(w.stateOf(p)).isEqualTo("unknown");
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.sweep());

    JsonObject paid = w.get(w.payments.payment(w.id(p)));
    assertThat(paid.getString("state")).isEqualTo("succeeded");
    assertThat(paid.getString("cardLast4")).isEqualTo("4242");
    assertThat(w.stripe.requests("POST", CAPTURE)).extracting(LocalStripe.Request::idempotencyKey)
        .containsOnly("waitline-" + p.getString("id") + "-capture");
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
    assertThat(w.get(w.notifications.entryNotifications(visit.id()))).hasSize(1);
  }

  @Test
  void aServerErrorAfterCapturingIsResolvedByRetrievingTheIntent() {
    JsonObject p = w.tappedAtKiosk(w.checkIn());
    w.stripe.fault("POST", CAPTURE, Fault.SERVER_ERROR_AFTER_WORK);
    assertThat(w.stateOf(p)).isEqualTo("unknown");

    w.clock.advance(Duration.ofMinutes(2));
    assertThat(w.stateOf(p)).isEqualTo("succeeded");
    assertThat(w.stripe.requests("POST", CAPTURE)).hasSize(1);
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
  }

  @Test
  void anUnknownPaymentIsLeftAloneWhileItsCallMayStillBeUnderWay() {
    JsonObject p = w.tappedAtKiosk(w.checkIn());
    dropBothTries(CAPTURE);
    w.get(w.payments.payment(w.id(p)));
    int before = w.stripe.requests().size();

    w.clock.advance(PaymentWorld.RESOLVE_AFTER.minusSeconds(1));
    w.get(w.payments.sweep());
    assertThat(w.stateOf(p)).isEqualTo("unknown");
    assertThat(w.stripe.requests()).hasSize(before);
  }

  /**
   * The JDK's HTTP client silently sends a POST again once when the connection drops before the answer (with the same
   * headers, so the same idempotency key, and Stripe replays): drop that second try too, so no answer arrives.
   */
  private void dropBothTries(String path) {
    w.stripe.fault("POST", path, Fault.DROP_AFTER_WORK);
    w.stripe.fault("POST", path, Fault.DROP_AFTER_WORK);
  }

  @Test
  void twoTapsOfPayAtOnceCreateOneIntentAndChargeOnce() {
    Entry visit = w.checkIn();
    List<Future<JsonObject>> taps = List.of(
        w.payments.pay(visit.id(), "kiosk", null, "kiosk"),
        w.payments.pay(visit.id(), "kiosk", null, "kiosk"),
        w.payments.pay(visit.id(), "kiosk", null, "kiosk"));
    w.get(Future.join(taps));
    assertThat(taps).extracting(f -> f.result().getString("id")).containsOnly(taps.get(0).result().getString("id"));
    assertThat(w.stripe.intents()).hasSize(1);
    assertThat(w.stripe.requests("POST", PROCESS)).hasSize(1);

    w.tapCard(KIOSK_READER);
    UUID id = w.id(taps.get(0).result());
    w.get(Future.join(w.payments.payment(id), w.payments.payment(id)));
    assertThat(w.get(w.payments.payment(id)).getString("state")).isEqualTo("succeeded");
    // two reads racing may both capture (a retrieve that started before the other's capture can put the payment back
    // to authorized), but only ever under the one key stored for this payment's capture: Stripe charges once
    assertThat(w.stripe.requests("POST", CAPTURE)).extracting(LocalStripe.Request::idempotencyKey)
        .containsOnly("waitline-" + id + "-capture");
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
    assertThat(w.count("SELECT count(*) FROM payment WHERE entry_id = $1", visit.id())).isEqualTo(1);
  }

  @Test
  void twoNodesTakingTheSameVisitAtOnceChargeOnce() {
    Entry visit = w.checkIn();
    PaymentWorld.Node other = w.node();
    try {
      Future<JsonObject> kiosk = w.payments.pay(visit.id(), "kiosk", null, "kiosk");
      Future<JsonObject> desk = other.payments().pay(visit.id(), "desk", null, "desk:ann");
      w.get(Future.join(kiosk, desk));
      assertThat(kiosk.result().getString("id")).isEqualTo(desk.result().getString("id"));
      assertThat(w.stripe.intents()).hasSize(1);
      assertThat(w.stripe.requests("POST", PROCESS)).hasSize(1);
    } finally {
      other.kill();
    }
  }

  @Test
  void aNodeKilledAfterTheProcessorChargedResolvesOnRestartWithoutChargingAgain() {
    Entry visit = w.checkIn();
    PaymentWorld.Node doomed = w.node();
    JsonObject p = w.get(doomed.payments().pay(visit.id(), "kiosk", null, "kiosk"));
    w.tapCard(KIOSK_READER);
    w.stripe.fault("POST", CAPTURE, Fault.ANSWER_LATE);
    Future<LocalStripe.Request> captureSent = w.stripe.nextRequest("POST", CAPTURE);
    doomed.payments().payment(w.id(p)); // reads the reader, sees the authorization, captures...
    w.get(captureSent);
    doomed.kill(); // ...and dies before the answer

    assertThat(w.rows("SELECT state, pending_op FROM payment WHERE id = $1", w.id(p)).get(0).toJson())
        .isEqualTo(new JsonObject().put("state", "unknown").put("pending_op", "capture"));
    assertThat(w.count("SELECT count(*) FROM payment_call WHERE payment_id = $1 AND op = 'capture'"
        + " AND outcome IS NULL", w.id(p))).isEqualTo(1);

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.start()); // the restarted node's first sweep
    JsonObject paid = w.get(w.payments.payment(w.id(p)));
    assertThat(paid.getString("state")).isEqualTo("succeeded");
    assertChargedOnceAfterResolving(CAPTURE, "capture");
  }

  @Test
  void aNodeKilledBeforeItsCaptureRanCapturesOnRestartUnderTheSameKey() {
    Entry visit = w.checkIn();
    PaymentWorld.Node doomed = w.node();
    JsonObject p = w.get(doomed.payments().pay(visit.id(), "kiosk", null, "kiosk"));
    w.tapCard(KIOSK_READER);
    w.stripe.fault("POST", CAPTURE, Fault.HANG);
    Future<LocalStripe.Request> captureSent = w.stripe.nextRequest("POST", CAPTURE);
    Future<Void> abandoned = w.stripe.hangReleased();
    doomed.payments().payment(w.id(p));
    w.get(captureSent);
    doomed.kill();
    w.get(abandoned); // the dead node's socket times out; Stripe never ran the capture
    assertThat(w.stripe.netCaptured()).isZero();

    w.clock.advance(Duration.ofMinutes(2));
    w.get(w.payments.start());
    assertThat(w.stateOf(p)).isEqualTo("succeeded");
    assertThat(w.stripe.requests("POST", CAPTURE)).hasSize(2).extracting(LocalStripe.Request::idempotencyKey)
        .containsOnly("waitline-" + p.getString("id") + "-capture");
    assertThat(w.stripe.netCaptured()).isEqualTo(2000);
  }

  @Test
  void aRequestRepeatedWhileStripeStillRunsTheFirstIsUnknownNeverRefused() {
    StripeProcessor stripe = w.stripeProcessor();
    UUID payment = UUID.randomUUID();
    w.stripe.fault("POST", CREATE, Fault.HANG);
    Future<LocalStripe.Request> first = w.stripe.nextRequest("POST", CREATE);
    Future<Object> hanging = w.vertx.executeBlocking(() -> stripe.createIntent(payment, 2000, "eur", "x", "key-1"));
    w.get(first);

    assertThatThrownBy(() -> stripe.createIntent(payment, 2000, "eur", "x", "key-1"))
        .isInstanceOf(ProcessorException.Unknown.class)
        .hasMessageContaining("still working on the same request");
    assertThatThrownBy(() -> w.get(hanging)).isInstanceOf(ProcessorException.Unknown.class);
    assertThat(stripe.createIntent(payment, 2000, "eur", "x", "key-1").ref()).startsWith("pi_");
    assertThat(stripe.createIntent(payment, 2000, "eur", "x", "key-1").ref())
        .isEqualTo(w.stripe.intents().get(0).getString("id"));
    assertThat(w.stripe.intents()).hasSize(1);
  }
}
