package io.waitline.pay.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.terminal.Reader;
import com.stripe.net.RequestOptions;
import com.stripe.param.BalanceTransactionListParams;
import com.stripe.param.PaymentIntentCancelParams;
import com.stripe.param.PaymentIntentCaptureParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.PaymentIntentListParams;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.PayoutListParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.terminal.ReaderProcessPaymentIntentParams;
import io.waitline.pay.processor.CardProcessor;
import io.waitline.pay.processor.IntentView;
import io.waitline.pay.processor.IntentView.IntentStatus;
import io.waitline.pay.processor.ProcessorException;
import io.waitline.pay.processor.RefundView;
import io.waitline.pay.processor.Payout;
import io.waitline.pay.processor.Settlement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stripe Terminal's server-driven flow through stripe-java: a card-present PaymentIntent with manual capture, handed
 * to a reader, then captured; refunds; balance transactions for the reconciliation. The SDK's own retries are off:
 * every call carries Waitline's idempotency key, and a call without answer is resolved by retrieving.
 */
public final class StripeProcessor implements CardProcessor {
  /** The metadata key that ties a PaymentIntent (or a refund) to Waitline's row. */
  public static final String PAYMENT_KEY = "waitline_payment";
  public static final String REFUND_KEY = "waitline_refund";

  private final StripeClient stripe;

  /**
   * @param apiBase {@code https://api.stripe.com}, or a local server in tests
   */
  public StripeProcessor(String secretKey, String apiBase, Duration connectTimeout, Duration readTimeout) {
    this.stripe = StripeClient.builder()
        .setApiKey(secretKey)
        .setApiBase(apiBase)
        .setMaxNetworkRetries(0)
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setReadTimeout((int) readTimeout.toMillis())
        .build();
  }

  @Override
  public String name() {
    return "stripe";
  }

  @Override
  public IntentView createIntent(UUID paymentId, long amountMinor, String currency, String description,
      String idempotencyKey) {
    PaymentIntentCreateParams params = PaymentIntentCreateParams.builder()
        .setAmount(amountMinor)
        .setCurrency(currency)
        .addPaymentMethodType("card_present")
        .setCaptureMethod(PaymentIntentCreateParams.CaptureMethod.MANUAL)
        .setDescription(description)
        .putMetadata(PAYMENT_KEY, paymentId.toString())
        .build();
    return call(() -> view(stripe.paymentIntents().create(params, keyed(idempotencyKey)), null));
  }

  @Override
  public IntentView processOnReader(String intentRef, String readerId, String idempotencyKey) {
    ReaderProcessPaymentIntentParams params = ReaderProcessPaymentIntentParams.builder()
        .setPaymentIntent(intentRef).build();
    return call(() -> {
      Reader reader = stripe.terminal().readers().processPaymentIntent(readerId, params, keyed(idempotencyKey));
      return view(retrieveIntent(intentRef), reader);
    });
  }

  @Override
  public IntentView retrieve(String intentRef, String readerId) {
    return call(() -> view(retrieveIntent(intentRef),
        readerId == null ? null : stripe.terminal().readers().retrieve(readerId)));
  }

  @Override
  public Optional<IntentView> findIntent(UUID paymentId, Instant since) {
    PaymentIntentListParams params = PaymentIntentListParams.builder()
        .setCreated(PaymentIntentListParams.Created.builder().setGte(since.getEpochSecond() - 60).build())
        .setLimit(100L)
        .build();
    return call(() -> {
      for (PaymentIntent pi : stripe.paymentIntents().list(params).autoPagingIterable()) {
        if (paymentId.toString().equals(pi.getMetadata().get(PAYMENT_KEY))) {
          return Optional.of(view(retrieveIntent(pi.getId()), null));
        }
      }
      return Optional.<IntentView>empty();
    });
  }

  @Override
  public IntentView capture(String intentRef, String idempotencyKey) {
    return call(() -> {
      stripe.paymentIntents().capture(intentRef, PaymentIntentCaptureParams.builder().build(), keyed(idempotencyKey));
      return view(retrieveIntent(intentRef), null);
    });
  }

  @Override
  public IntentView cancel(String intentRef, String readerId, String idempotencyKey) {
    return call(() -> {
      if (readerId != null) {
        Reader reader = stripe.terminal().readers().retrieve(readerId);
        if (actionFor(reader, intentRef) != null && "in_progress".equals(reader.getAction().getStatus())) {
          stripe.terminal().readers().cancelAction(readerId, keyed(idempotencyKey + "-reader"));
        }
      }
      stripe.paymentIntents().cancel(intentRef, PaymentIntentCancelParams.builder().build(), keyed(idempotencyKey));
      return view(retrieveIntent(intentRef), null);
    });
  }

  @Override
  public RefundView refund(String intentRef, UUID refundId, long amountMinor, String idempotencyKey) {
    RefundCreateParams params = RefundCreateParams.builder()
        .setPaymentIntent(intentRef)
        .setAmount(amountMinor)
        .putMetadata(REFUND_KEY, refundId.toString())
        .build();
    return call(() -> refundView(stripe.refunds().create(params, keyed(idempotencyKey))));
  }

  @Override
  public Optional<RefundView> findRefund(String intentRef, UUID refundId) {
    RefundListParams params = RefundListParams.builder().setPaymentIntent(intentRef).setLimit(100L).build();
    return call(() -> {
      for (Refund r : stripe.refunds().list(params).autoPagingIterable()) {
        if (refundId.toString().equals(r.getMetadata().get(REFUND_KEY))) return Optional.of(refundView(r));
      }
      return Optional.<RefundView>empty();
    });
  }

  @Override
  public List<Settlement> settlements(Instant from, Instant to) {
    BalanceTransactionListParams params = BalanceTransactionListParams.builder()
        .setCreated(BalanceTransactionListParams.Created.builder()
            .setGte(from.getEpochSecond()).setLt(to.getEpochSecond()).build())
        .setLimit(100L)
        .build();
    return call(() -> bookings(params));
  }

  @Override
  public List<Payout> payouts(Instant from, Instant to) {
    PayoutListParams params = PayoutListParams.builder()
        .setArrivalDate(PayoutListParams.ArrivalDate.builder()
            .setGte(from.getEpochSecond()).setLt(to.getEpochSecond()).build())
        .setLimit(100L)
        .build();
    return call(() -> {
      List<Payout> out = new ArrayList<>();
      for (com.stripe.model.Payout po : stripe.payouts().list(params).autoPagingIterable()) {
        out.add(new Payout(po.getId(), po.getAmount(), po.getCurrency(), Instant.ofEpochSecond(po.getArrivalDate()),
            po.getStatus(), bookings(BalanceTransactionListParams.builder().setPayout(po.getId()).setLimit(100L)
                .build())));
      }
      return out;
    });
  }

  /** The charges and refunds among the balance transactions {@code params} select, every page of them. */
  private List<Settlement> bookings(BalanceTransactionListParams params) throws StripeException {
    List<Settlement> out = new ArrayList<>();
    for (BalanceTransaction bt : stripe.balanceTransactions().list(params).autoPagingIterable()) {
      String kind = bt.getType();
      if (!"charge".equals(kind) && !"payment".equals(kind) && !"refund".equals(kind)) continue;
      out.add(new Settlement(bt.getId(), "refund".equals(kind) ? "refund" : "charge", bt.getSource(),
          bt.getAmount(), bt.getFee() == null ? 0 : bt.getFee(), bt.getCurrency(),
          Instant.ofEpochSecond(bt.getCreated())));
    }
    return out;
  }

  // --- mapping

  private PaymentIntent retrieveIntent(String intentRef) throws StripeException {
    return stripe.paymentIntents().retrieve(intentRef,
        PaymentIntentRetrieveParams.builder().addExpand("latest_charge").build(), RequestOptions.getDefault());
  }

  private static IntentView view(PaymentIntent pi, Reader reader) {
    Charge charge = pi.getLatestChargeObject();
    String brand = null;
    String last4 = null;
    if (charge != null && charge.getPaymentMethodDetails() != null
        && charge.getPaymentMethodDetails().getCardPresent() != null) {
      brand = charge.getPaymentMethodDetails().getCardPresent().getBrand();
      last4 = charge.getPaymentMethodDetails().getCardPresent().getLast4();
    }
    Reader.Action action = actionFor(reader, pi.getId());
    IntentStatus status = switch (pi.getStatus()) {
      case "requires_capture" -> IntentStatus.AUTHORIZED;
      case "succeeded" -> IntentStatus.SUCCEEDED;
      case "canceled" -> IntentStatus.CANCELED;
      case "processing" -> IntentStatus.ON_READER;
      default -> action == null ? IntentStatus.AWAITING_CARD : switch (action.getStatus()) {
        case "in_progress" -> IntentStatus.ON_READER;
        case "failed" -> IntentStatus.DECLINED;
        default -> IntentStatus.AWAITING_CARD;
      };
    };
    String failure = status == IntentStatus.DECLINED ? declineSentence(pi.getLastPaymentError() != null
        && pi.getLastPaymentError().getDeclineCode() != null ? pi.getLastPaymentError().getDeclineCode()
        : action.getFailureCode()) : null;
    long captured = pi.getAmountReceived() == null ? 0 : pi.getAmountReceived();
    return new IntentView(pi.getId(), status, pi.getAmount(), captured, charge == null ? pi.getLatestCharge()
        : charge.getId(), brand, last4, failure);
  }

  /** The reader's current action when it is about this intent. */
  private static Reader.Action actionFor(Reader reader, String intentRef) {
    if (reader == null || reader.getAction() == null || reader.getAction().getProcessPaymentIntent() == null) {
      return null;
    }
    return intentRef.equals(reader.getAction().getProcessPaymentIntent().getPaymentIntent()) ? reader.getAction()
        : null;
  }

  private static RefundView refundView(Refund r) {
    boolean failed = "failed".equals(r.getStatus()) || "canceled".equals(r.getStatus());
    return new RefundView(r.getId(), r.getAmount(), "succeeded".equals(r.getStatus()) || "pending".equals(r.getStatus()),
        failed, failed ? "The card network refused the refund (" + r.getFailureReason() + ")." : null);
  }

  /** Stripe's decline codes in words a patient at a kiosk understands. Never echoes card details. */
  static String declineSentence(String code) {
    if (code == null) return "The card was declined. Please try another card or pay at the desk.";
    return switch (code) {
      case "insufficient_funds" -> "The card was declined for insufficient funds. Please try another card.";
      case "incorrect_pin", "offline_pin_required", "online_or_offline_pin_required" ->
          "The PIN was not accepted. Please try again or use another card.";
      case "pin_try_exceeded" -> "Too many wrong PINs on this card. Please use another card.";
      case "expired_card" -> "The card has expired. Please use another card.";
      case "card_read_timed_out", "terminal_reader_timeout" ->
          "No card was presented in time. Please try again.";
      case "customer_canceled" -> "The payment was cancelled on the reader.";
      default -> "The card was declined. Please try another card or pay at the desk.";
    };
  }

  // --- errors

  private interface StripeCall<T> {
    T run() throws StripeException;
  }

  private static <T> T call(StripeCall<T> call) {
    try {
      return call.run();
    } catch (StripeException e) {
      throw translate(e);
    }
  }

  /** Clean 4xx answers mean nothing happened; no answer or a 5xx may mean anything happened. */
  static ProcessorException translate(StripeException e) {
    if (e instanceof ApiConnectionException) {
      return new ProcessorException.Unknown("no answer from Stripe: " + e.getMessage(), e);
    }
    if ("idempotency_key_in_use".equals(e.getCode())) {
      return new ProcessorException.Unknown("Stripe is still working on the same request", e);
    }
    if (e instanceof IdempotencyException) {
      // the same key with other parameters: a bug here, never a reason to send under a new key
      return new ProcessorException.Unknown("Stripe refused the idempotency key: " + e.getMessage(), e);
    }
    if (e instanceof CardException) {
      return new ProcessorException.Declined(declineSentence(((CardException) e).getDeclineCode() != null
          ? ((CardException) e).getDeclineCode() : e.getCode()));
    }
    if (e instanceof InvalidRequestException && e.getCode() != null) {
      switch (e.getCode()) {
        case "terminal_reader_offline":
          return new ProcessorException.Refused("The card reader is offline. Please pay at the desk.", e);
        case "terminal_reader_busy":
          return new ProcessorException.Refused("The card reader is busy with another payment.", e);
        case "terminal_reader_timeout":
          return new ProcessorException.Refused("The card reader did not answer. Please try again.", e);
        default:
          break;
      }
    }
    if (e instanceof RateLimitException) {
      return new ProcessorException.Refused("The card processor is busy; please try again in a moment.", e);
    }
    Integer status = e.getStatusCode();
    if (status != null && status >= 400 && status < 500) {
      return new ProcessorException.Refused("The card processor refused the request: " + e.getMessage(), e);
    }
    return new ProcessorException.Unknown("Stripe answered " + status + ": " + e.getMessage(), e);
  }

  private static RequestOptions keyed(String idempotencyKey) {
    return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
  }
}
