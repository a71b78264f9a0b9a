package io.waitline.pay.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.waitline.pay.PaymentState;
import io.waitline.pay.store.PaymentStore;
import io.waitline.queue.QueueException;
import java.time.Clock;

/**
 * Stripe's webhooks: the signature is checked by the SDK ({@code Webhook.constructEvent}, 5-minute tolerance), then
 * the event becomes what Waitline applies. Events Waitline does not use are acknowledged and ignored.
 */
public final class StripeWebhooks {
  public static final long TOLERANCE_SECONDS = 300;

  private final String secret;
  private final Clock clock;

  public StripeWebhooks(String secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** What one event says, for the payment (by intent) or the refund it is about. */
  public sealed interface Effect {
    record OnIntent(String intentRef, PaymentStore.Update update) implements Effect {}

    record OnRefund(String refundRef, String refundId, String state, String failure) implements Effect {}

    record Ignored() implements Effect {}
  }

  public record Verified(String eventId, String type, String objectRef, Effect effect) {}

  /** Verifies the signature and reads the event; a bad signature or body is a 400 with a sentence. */
  public Verified verify(String payload, String signatureHeader) {
    if (signatureHeader == null || signatureHeader.isBlank()) {
      throw new QueueException.Invalid("The Stripe-Signature header is missing.");
    }
    Event event;
    try {
      event = Webhook.constructEvent(payload, signatureHeader, secret, TOLERANCE_SECONDS, clock);
    } catch (SignatureVerificationException e) {
      throw new QueueException.Invalid("The Stripe-Signature header does not match this body, or is older than 5"
          + " minutes.");
    } catch (RuntimeException e) {
      throw new QueueException.Invalid("The webhook body is not a Stripe event.");
    }
    JsonObject object;
    try {
      object = new JsonObject(payload).getJsonObject("data", new JsonObject()).getJsonObject("object",
          new JsonObject());
    } catch (DecodeException | ClassCastException e) {
      throw new QueueException.Invalid("The webhook body is not a Stripe event.");
    }
    return new Verified(event.getId(), event.getType(), object.getString("id"), effect(event.getType(), object));
  }

  static Effect effect(String type, JsonObject o) {
    return switch (type) {
      case "payment_intent.amount_capturable_updated", "payment_intent.succeeded", "payment_intent.canceled",
          "payment_intent.payment_failed" -> intentEffect(o);
      case "terminal.reader.action_succeeded", "terminal.reader.action_failed" -> readerEffect(type, o);
      case "refund.created", "refund.updated", "refund.failed" -> refundEffect(o);
      default -> new Effect.Ignored();
    };
  }

  private static Effect intentEffect(JsonObject pi) {
    PaymentState state = switch (pi.getString("status", "")) {
      case "requires_capture" -> PaymentState.AUTHORIZED;
      case "succeeded" -> PaymentState.SUCCEEDED;
      case "canceled" -> PaymentState.CANCELED;
      case "requires_payment_method" -> pi.getJsonObject("last_payment_error") != null ? PaymentState.DECLINED
          : null;
      default -> null;
    };
    if (state == null) return new Effect.Ignored();
    JsonObject error = pi.getJsonObject("last_payment_error");
    String failure = state == PaymentState.DECLINED ? StripeProcessor.declineSentence(
        error.getString("decline_code", error.getString("code"))) : null;
    Object charge = pi.getValue("latest_charge");
    String chargeRef = charge instanceof String s ? s : charge instanceof JsonObject j ? j.getString("id") : null;
    return new Effect.OnIntent(pi.getString("id"), new PaymentStore.Update(state, pi.getString("id"), chargeRef,
        pi.getLong("amount_received", 0L), null, null, failure));
  }

  private static Effect readerEffect(String type, JsonObject reader) {
    JsonObject action = reader.getJsonObject("action");
    if (action == null || action.getJsonObject("process_payment_intent") == null) return new Effect.Ignored();
    String intent = action.getJsonObject("process_payment_intent").getString("payment_intent");
    boolean ok = type.endsWith("succeeded");
    return new Effect.OnIntent(intent, new PaymentStore.Update(ok ? PaymentState.AUTHORIZED : PaymentState.DECLINED,
        intent, null, 0, null, null, ok ? null : StripeProcessor.declineSentence(action.getString("failure_code"))));
  }

  private static Effect refundEffect(JsonObject refund) {
    String waitlineId = refund.getJsonObject("metadata", new JsonObject()).getString(StripeProcessor.REFUND_KEY);
    String status = refund.getString("status", "");
    String state = switch (status) {
      case "succeeded", "pending" -> "succeeded";
      case "failed", "canceled" -> "failed";
      default -> null;
    };
    if (state == null || waitlineId == null) return new Effect.Ignored();
    return new Effect.OnRefund(refund.getString("id"), waitlineId, state,
        state.equals("failed") ? "The card network refused the refund (" + refund.getString("failure_reason") + ")."
            : null);
  }
}
