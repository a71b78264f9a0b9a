package io.waitline.pay.sandbox;

import io.waitline.pay.processor.CardProcessor;
import io.waitline.pay.processor.IntentView;
import io.waitline.pay.processor.IntentView.IntentStatus;
import io.waitline.pay.processor.ProcessorException;
import io.waitline.pay.processor.RefundView;
import io.waitline.pay.processor.Payout;
import io.waitline.pay.processor.Settlement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The embedded default: a simulated processor and card terminal, so the kiosk takes co-pays out of the box. The
 * "patient" taps a card {@link #TAP_AFTER} after the reader is asked. What happens is chosen by the amount's last two
 * digits, like Stripe's physical test cards (docs/payments.md): {@code 01} declined, {@code 05} declined for
 * insufficient funds, {@code 55} wrong PIN, {@code 08} no card presented (the reader times out after
 * {@link #READER_TIMEOUT}); a reader whose id ends in {@code offline} is offline. Everything else is approved with a
 * Visa ending 4242. Idempotency keys are honoured like Stripe's. State lives in memory: it is a simulator.
 */
public final class SandboxProcessor implements CardProcessor {
  public static final Duration TAP_AFTER = Duration.ofSeconds(2);
  public static final Duration READER_TIMEOUT = Duration.ofSeconds(60);

  private final Clock clock;
  private final Map<String, Intent> intents = new ConcurrentHashMap<>();
  private final Map<String, Object> replies = new ConcurrentHashMap<>();
  private final List<Settlement> ledger = new ArrayList<>();

  private static final class Intent {
    final String ref;
    final UUID paymentId;
    final long amount;
    final String currency;
    final Instant createdAt;
    String reader;
    Instant askedAt;
    IntentStatus status = IntentStatus.AWAITING_CARD;
    String failure;
    String chargeRef;
    long captured;
    long refunded;

    Intent(String ref, UUID paymentId, long amount, String currency, Instant createdAt) {
      this.ref = ref;
      this.paymentId = paymentId;
      this.amount = amount;
      this.currency = currency;
      this.createdAt = createdAt;
    }
  }

  public SandboxProcessor(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "sandbox";
  }

  @Override
  public IntentView createIntent(UUID paymentId, long amountMinor, String currency, String description,
      String idempotencyKey) {
    return once(idempotencyKey, () -> {
      Intent i = new Intent("sbx_pi_" + shortId(), paymentId, amountMinor, currency, clock.instant());
      intents.put(i.ref, i);
      return view(i);
    });
  }

  @Override
  public IntentView processOnReader(String intentRef, String readerId, String idempotencyKey) {
    if (readerId.endsWith("offline")) {
      throw new ProcessorException.Refused("The card reader is offline. Please pay at the desk.", null);
    }
    return once(idempotencyKey, () -> {
      synchronized (this) {
        Intent i = intent(intentRef);
        boolean busy = intents.values().stream().anyMatch(o -> o != i && readerId.equals(o.reader)
            && settle(o) == IntentStatus.ON_READER);
        if (busy) throw new ProcessorException.Refused("The card reader is busy with another payment.", null);
        if (settle(i) != IntentStatus.AWAITING_CARD && i.status != IntentStatus.DECLINED) {
          throw new ProcessorException.Refused("This payment is " + i.status.name().toLowerCase(Locale.ROOT)
              + " and cannot be taken on the reader.", null);
        }
        i.reader = readerId;
        i.askedAt = clock.instant();
        i.status = IntentStatus.ON_READER;
        i.failure = null;
        return view(i);
      }
    });
  }

  @Override
  public IntentView retrieve(String intentRef, String readerId) {
    synchronized (this) {
      Intent i = intent(intentRef);
      settle(i);
      return view(i);
    }
  }

  @Override
  public Optional<IntentView> findIntent(UUID paymentId, Instant since) {
    return intents.values().stream().filter(i -> i.paymentId.equals(paymentId)).findFirst().map(i -> retrieve(i.ref,
        null));
  }

  @Override
  public IntentView capture(String intentRef, String idempotencyKey) {
    return once(idempotencyKey, () -> {
      synchronized (this) {
        Intent i = intent(intentRef);
        if (settle(i) != IntentStatus.AUTHORIZED) {
          throw new ProcessorException.Refused("This payment cannot be captured: it is "
              + i.status.name().toLowerCase(Locale.ROOT) + ".", null);
        }
        i.status = IntentStatus.SUCCEEDED;
        i.captured = i.amount;
        i.chargeRef = "sbx_ch_" + shortId();
        ledger.add(new Settlement("sbx_txn_" + shortId(), "charge", i.chargeRef, i.amount, 0, i.currency,
            clock.instant()));
        return view(i);
      }
    });
  }

  @Override
  public IntentView cancel(String intentRef, String readerId, String idempotencyKey) {
    return once(idempotencyKey, () -> {
      synchronized (this) {
        Intent i = intent(intentRef);
        IntentStatus s = settle(i);
        if (s == IntentStatus.SUCCEEDED) {
          throw new ProcessorException.Refused("This payment is already captured; refund it instead.", null);
        }
        i.status = IntentStatus.CANCELED;
        return view(i);
      }
    });
  }

  @Override
  public RefundView refund(String intentRef, UUID refundId, long amountMinor, String idempotencyKey) {
    return once(idempotencyKey, () -> {
      synchronized (this) {
        Intent i = intent(intentRef);
        if (i.status != IntentStatus.SUCCEEDED || i.refunded + amountMinor > i.captured) {
          throw new ProcessorException.Refused("The refund is larger than what is left of the charge.", null);
        }
        i.refunded += amountMinor;
        String ref = "sbx_re_" + refundId;
        ledger.add(new Settlement("sbx_txn_" + shortId(), "refund", ref, -amountMinor, 0, i.currency,
            clock.instant()));
        return new RefundView(ref, amountMinor, true, false, null);
      }
    });
  }

  @Override
  public Optional<RefundView> findRefund(String intentRef, UUID refundId) {
    String ref = "sbx_re_" + refundId;
    synchronized (this) {
      return ledger.stream().filter(s -> s.sourceRef().equals(ref)).findFirst()
          .map(s -> new RefundView(ref, -s.amountMinor(), true, false, null));
    }
  }

  @Override
  public synchronized List<Settlement> settlements(Instant from, Instant to) {
    return ledger.stream().filter(s -> !s.at().isBefore(from) && s.at().isBefore(to)).toList();
  }

  /** The sandbox takes no real money, so it pays nothing out. */
  @Override
  public List<Payout> payouts(Instant from, Instant to) {
    return List.of();
  }

  /** Moves a reader action on by the clock: the simulated patient taps, or never does. */
  private IntentStatus settle(Intent i) {
    if (i.status != IntentStatus.ON_READER) return i.status;
    Instant now = clock.instant();
    String outcome = String.format(Locale.ROOT, "%02d", i.amount % 100);
    if (outcome.equals("08")) {
      if (!now.isBefore(i.askedAt.plus(READER_TIMEOUT))) decline(i, "No card was presented in time. Please try again.");
      return i.status;
    }
    if (now.isBefore(i.askedAt.plus(TAP_AFTER))) return i.status;
    switch (outcome) {
      case "01" -> decline(i, "The card was declined. Please try another card or pay at the desk.");
      case "05" -> decline(i, "The card was declined for insufficient funds. Please try another card.");
      case "55" -> decline(i, "The PIN was not accepted. Please try again or use another card.");
      default -> i.status = IntentStatus.AUTHORIZED;
    }
    return i.status;
  }

  private static void decline(Intent i, String sentence) {
    i.status = IntentStatus.DECLINED;
    i.failure = sentence;
  }

  private Intent intent(String ref) {
    Intent i = intents.get(ref);
    if (i == null) throw new ProcessorException.Refused("The sandbox has no payment " + ref + ".", null);
    return i;
  }

  private static IntentView view(Intent i) {
    boolean carded = i.status == IntentStatus.AUTHORIZED || i.status == IntentStatus.SUCCEEDED;
    return new IntentView(i.ref, i.status, i.amount, i.captured, i.chargeRef, carded ? "visa" : null,
        carded ? "4242" : null, i.failure);
  }

  /** Stripe's idempotency: the same key gives the first answer again, without doing anything twice. */
  @SuppressWarnings("unchecked")
  private <T> T once(String key, Supplier<T> call) {
    synchronized (replies) {
      Object earlier = replies.get(key);
      if (earlier != null) return (T) earlier;
      T answer = call.get();
      replies.put(key, answer);
      return answer;
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
