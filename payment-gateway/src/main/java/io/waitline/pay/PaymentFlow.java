package io.waitline.pay;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.waitline.pay.processor.CardProcessor;
import io.waitline.pay.processor.IntentView;
import io.waitline.pay.processor.ProcessorException;
import io.waitline.pay.processor.ProcessorGuard;
import io.waitline.pay.processor.RefundView;
import io.waitline.pay.store.PaymentRow;
import io.waitline.pay.store.PaymentStore;
import io.waitline.pay.store.RefundRow;
import io.waitline.queue.QueueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves card payments through the processor without ever charging twice. Before each call the payment is marked
 * unknown and the call's idempotency key is stored, in one transaction; the answer replaces unknown. When there is no
 * answer the payment stays unknown until {@link #resolve} retrieves what the processor has: the intent is never
 * created again under a new key, and a payment intent is authorized and captured at most once.
 *
 * <p>Each step claims the payment with a conditional update, so two taps of "Pay", two desks or two nodes doing the
 * same step find that one of them already did it.
 */
public final class PaymentFlow {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentFlow.class);

  private final Pool pool;
  private final PaymentStore store;
  private final CardProcessor processor;
  private final ProcessorGuard guard;
  private final Clock clock;
  private final Duration resolveAfter;
  private final Function<PaymentRow, Future<Void>> onPaid;

  /**
   * @param resolveAfter how long an unknown payment is left alone before it is resolved by retrieving: longer than
   *     the guard's time limit, so a call still under way is never second-guessed
   * @param onPaid told once per payment, when it first succeeds (receipts); its failure is its own business
   */
  public PaymentFlow(Pool pool, PaymentStore store, CardProcessor processor, ProcessorGuard guard, Clock clock,
      Duration resolveAfter, Function<PaymentRow, Future<Void>> onPaid) {
    this.pool = pool;
    this.store = store;
    this.processor = processor;
    this.guard = guard;
    this.clock = clock;
    this.resolveAfter = resolveAfter;
    this.onPaid = onPaid;
  }

  public CardProcessor processor() {
    return processor;
  }

  // --- taking a card

  /**
   * Asks the reader for a card: creates the processor's intent when there is none yet, then hands it to the reader.
   * A payment already on a reader, authorized or paid is returned as it is: the second tap changes nothing.
   */
  public Future<PaymentRow> takeCard(UUID paymentId, String readerId) {
    return load(paymentId).compose(p -> switch (p.state()) {
      case CREATED -> createIntent(p).compose(q -> q.state() == PaymentState.READY ? process(q, readerId)
          : Future.succeededFuture(q));
      case READY, DECLINED -> process(p, readerId);
      default -> refresh(p);
    });
  }

  /** Looks at the processor for a payment waiting on it (reader, capture) and moves it on; others as they are. */
  public Future<PaymentRow> refresh(UUID paymentId) {
    return load(paymentId).compose(this::refresh);
  }

  private Future<PaymentRow> refresh(PaymentRow p) {
    return switch (p.state()) {
      case PROCESSING -> guard.call(() -> processor.retrieve(p.intentRef(), p.readerId()))
          .compose(view -> apply(p, view))
          .recover(err -> err instanceof ProcessorException ? load(p.id()) : Future.failedFuture(err));
      case AUTHORIZED -> capture(p);
      case UNKNOWN -> Duration.between(p.updatedAt(), clock.instant()).compareTo(resolveAfter) >= 0 ? resolve(p)
          : Future.succeededFuture(p);
      default -> Future.succeededFuture(p);
    };
  }

  private Future<PaymentRow> createIntent(PaymentRow p) {
    String key = "waitline-" + p.id() + "-create";
    String description = "Co-pay, ticket " + p.ticket();
    return step(p, List.of(PaymentState.CREATED), "create", key, false, null,
        () -> processor.createIntent(p.id(), p.amountMinor(), p.currency(), description, key));
  }

  private Future<PaymentRow> process(PaymentRow p, String readerId) {
    String reader = readerId != null ? readerId : p.readerId();
    if (reader == null) {
      return Future.failedFuture(new QueueException.Conflict("No card reader is set up for this payment."));
    }
    String key = "waitline-" + p.id() + "-process-" + (p.attempts() + 1);
    return step(p, List.of(PaymentState.READY, PaymentState.DECLINED), "process", key, true, reader,
        () -> processor.processOnReader(p.intentRef(), reader, key));
  }

  private Future<PaymentRow> capture(PaymentRow p) {
    String key = "waitline-" + p.id() + "-capture";
    return step(p, List.of(PaymentState.AUTHORIZED), "capture", key, false, null,
        () -> processor.capture(p.intentRef(), key));
  }

  /** Cancels a payment not yet captured (patient skips, pays cash or at the desk instead). */
  public Future<PaymentRow> cancel(UUID paymentId) {
    return load(paymentId).compose(p -> {
      if (p.state() == PaymentState.SUCCEEDED) {
        return Future.failedFuture(new QueueException.Conflict("This co-pay is paid; refund it instead."));
      }
      if (p.state().finished()) return Future.succeededFuture(p);
      if (p.state() == PaymentState.CREATED) {
        return pool.withTransaction(c -> store.advance(c, p.id(), new PaymentStore.Update(PaymentState.CANCELED,
            null, null, 0, null, null, null), clock.instant())).compose(v -> load(p.id()));
      }
      if (p.state() == PaymentState.UNKNOWN) {
        return Future.failedFuture(new QueueException.Conflict(
            "This payment is being checked with the processor; try again in a minute."));
      }
      String key = "waitline-" + p.id() + "-cancel";
      return step(p, List.of(PaymentState.READY, PaymentState.DECLINED, PaymentState.PROCESSING,
          PaymentState.AUTHORIZED), "cancel", key, false, null, () -> processor.cancel(p.intentRef(), p.readerId(),
          key));
    });
  }

  /**
   * One processor call: claim the payment from one of {@code from} and store the call (state unknown), call, store
   * the answer. When the claim fails someone else is on it and the payment is returned as it is.
   */
  private Future<PaymentRow> step(PaymentRow p, List<PaymentState> from, String op, String key, boolean newAttempt,
      String reader, Callable<IntentView> call) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.beginCall(c, p.id(), from, op, key, newAttempt, reader, now))
        .compose(claimed -> {
          if (!claimed) return load(p.id());
          return guard.call(call).compose(
              view -> finish(key, "ok", null).compose(v -> load(p.id())).compose(q -> apply(q, view)),
              err -> failed(p, op, key, err));
        });
  }

  /** A call that failed: declined or refused calls put the payment back with a sentence; no answer leaves it unknown. */
  private Future<PaymentRow> failed(PaymentRow before, String op, String key, Throwable err) {
    if (err instanceof ProcessorException.Unknown) {
      LOG.warn("Payment {}: no answer to {} ({}); left unknown, to be resolved by retrieving", before.id(), op,
          err.getMessage());
      return finish(key, "unknown", err.getMessage()).compose(v -> load(before.id()));
    }
    if (!(err instanceof ProcessorException)) return Future.failedFuture(err);
    boolean declined = err instanceof ProcessorException.Declined;
    PaymentState back = declined ? PaymentState.DECLINED
        : op.equals("create") ? PaymentState.FAILED : before.state();
    return finish(key, declined ? "declined" : "refused", err.getMessage())
        .compose(v -> pool.withTransaction(c -> store.revert(c, before.id(), back, err.getMessage(), clock.instant())))
        .compose(v -> load(before.id()))
        .compose(p -> op.equals("create") || declined ? Future.succeededFuture(p)
            : Future.failedFuture(new QueueException.Conflict(err.getMessage())));
  }

  /** Stores what the processor reports, then moves on by itself where nobody needs to act (capture). */
  private Future<PaymentRow> apply(PaymentRow p, IntentView view) {
    PaymentState next = switch (view.status()) {
      case AWAITING_CARD -> PaymentState.READY;
      case ON_READER -> PaymentState.PROCESSING;
      case DECLINED -> PaymentState.DECLINED;
      case AUTHORIZED -> PaymentState.AUTHORIZED;
      case SUCCEEDED -> PaymentState.SUCCEEDED;
      case CANCELED -> PaymentState.CANCELED;
    };
    return advance(p.id(), new PaymentStore.Update(next, view.ref(), view.chargeRef(), view.capturedMinor(),
        view.cardBrand(), view.cardLast4(), view.failure()));
  }

  /** Applies an update if it moves the payment forward. */
  private Future<PaymentRow> advance(UUID paymentId, PaymentStore.Update update) {
    return pool.withTransaction(c -> store.advance(c, paymentId, update, clock.instant()))
        .compose(applied -> afterAdvance(paymentId, applied));
  }

  /** After a payment moved (by an answer or a webhook): announce the first success, capture what is authorized. */
  Future<PaymentRow> afterAdvance(UUID paymentId, boolean applied) {
    return load(paymentId).compose(p -> {
      if (applied && p.state() == PaymentState.SUCCEEDED) return onPaid.apply(p).map(p);
      if (p.state() == PaymentState.AUTHORIZED) return capture(p);
      return Future.succeededFuture(p);
    });
  }

  // --- resolving unknowns

  /**
   * Finds out what became of a call without answer, by retrieving: the intent (or, when the create itself had no
   * answer, the intent carrying this payment's id). Never calls create, process or capture under a new key.
   */
  public Future<PaymentRow> resolve(PaymentRow p) {
    if (p.state() != PaymentState.UNKNOWN) return refresh(p);
    Future<PaymentRow> resolved;
    if (p.intentRef() == null) {
      resolved = guard.call(() -> processor.findIntent(p.id(), p.createdAt())).compose(found -> {
        if (found.isPresent()) return apply(p, found.get());
        // never reached the processor: the next tap creates it under the same key, so a late original is replayed
        return pool.withTransaction(c -> store.revert(c, p.id(), PaymentState.CREATED, null, clock.instant()))
            .compose(v -> load(p.id()));
      });
    } else {
      resolved = guard.call(() -> processor.retrieve(p.intentRef(), p.readerId())).compose(view -> apply(p, view));
    }
    return resolved.compose(q -> store.lastCallKey(pool, p.id(), p.pendingOp())
        .compose(key -> key == null ? Future.succeededFuture(q)
            : finish(key, "resolved", "now " + q.state().wire()).map(q)))
        .onSuccess(q -> LOG.info("Payment {}: unknown {} resolved by retrieving: {}", p.id(), p.pendingOp(),
            q.state().wire()))
        .recover(err -> err instanceof ProcessorException ? load(p.id()) : Future.failedFuture(err));
  }

  /**
   * One pass over payments waiting on the processor (unknown for longer than {@code resolveAfter}, on a reader,
   * authorized) and refunds without answer; run at start-up and periodically. The number of payments looked at.
   */
  public Future<Integer> sweep() {
    Instant before = clock.instant().minus(resolveAfter);
    return store.unresolved(pool, before, 50).compose(rows -> {
      List<Future<PaymentRow>> work = new ArrayList<>();
      for (PaymentRow p : rows) {
        work.add(resolve(p).recover(err -> {
          LOG.warn("Payment {} could not be resolved yet: {}", p.id(), err.toString());
          return Future.succeededFuture(p);
        }));
      }
      return Future.join(work).map(rows.size());
    }).compose(n -> store.unresolvedRefunds(pool, before, 50).compose(refunds -> {
      List<Future<RefundRow>> work = new ArrayList<>();
      for (RefundRow r : refunds) {
        work.add(resolveRefund(r).recover(err -> Future.succeededFuture(r)));
      }
      return Future.join(work).map(n + refunds.size());
    }));
  }

  // --- refunds

  /**
   * Refunds part or all of a paid co-pay. The amount is reserved on the locked payment before the processor is
   * called, so two refunds racing can never together exceed what was captured.
   */
  public Future<RefundRow> refund(UUID paymentId, long amountMinor, String reason, String actor) {
    if (amountMinor <= 0) return Future.failedFuture(new QueueException.Invalid("A refund needs an amount above 0."));
    UUID refundId = UUID.randomUUID();
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.lockPayment(c, paymentId).compose(p -> {
      if (p == null) return Future.failedFuture(new QueueException.NotFound("No payment with id '" + paymentId + "'."));
      if (p.state() != PaymentState.SUCCEEDED) {
        return Future.failedFuture(new QueueException.Conflict("Only a paid co-pay can be refunded; this one is "
            + p.state().wire() + "."));
      }
      if (amountMinor > p.refundableMinor()) {
        return Future.failedFuture(new QueueException.Conflict("At most " + Money.format(p.refundableMinor(),
            p.currency(), "en") + " of this payment can still be refunded."));
      }
      RefundRow r = new RefundRow(refundId, paymentId, amountMinor, reason, "pending", null, null, actor, now, now);
      return store.insertRefund(c, r).map(p);
    })).compose(p -> {
      if (p.method().equals("cash")) {
        return settleRefund(refundId, "succeeded", null, null); // handed back at the desk: no processor reference
      }
      String key = "waitline-refund-" + refundId;
      return store.insertCall(pool, paymentId, "refund", key, now)
          .compose(v -> guard.call(() -> processor.refund(p.intentRef(), refundId, amountMinor, key)))
          .compose(view -> finish(key, "ok", null).compose(v -> settleRefund(refundId, view)),
              err -> {
                if (err instanceof ProcessorException.Unknown) {
                  return finish(key, "unknown", err.getMessage())
                      .compose(v -> settleRefund(refundId, "unknown", null, err.getMessage()));
                }
                if (!(err instanceof ProcessorException)) return Future.failedFuture(err);
                return finish(key, "refused", err.getMessage())
                    .compose(v -> settleRefund(refundId, "failed", null, err.getMessage()))
                    .compose(r -> Future.failedFuture(new QueueException.Conflict(err.getMessage())));
              });
    });
  }

  /** A refund without answer: looked up at the processor; when it is not there it is sent again under its key. */
  private Future<RefundRow> resolveRefund(RefundRow r) {
    return load(r.paymentId()).compose(p -> guard.call(() -> processor.findRefund(p.intentRef(), r.id()))
        .compose((Optional<RefundView> found) -> found.isPresent() ? Future.succeededFuture(found.get())
            : guard.call(() -> processor.refund(p.intentRef(), r.id(), r.amountMinor(),
                "waitline-refund-" + r.id())))
        .compose(view -> settleRefund(r.id(), view)));
  }

  Future<RefundRow> settleRefund(UUID refundId, RefundView view) {
    String state = view.failed() ? "failed" : view.succeeded() ? "succeeded" : "unknown";
    return settleRefund(refundId, state, view.ref(), view.failure());
  }

  private Future<RefundRow> settleRefund(UUID refundId, String state, String ref, String failure) {
    return pool.withTransaction(c -> store.settleRefund(c, refundId, state, ref, failure, clock.instant()))
        .compose(v -> store.refund(pool, refundId));
  }

  // --- helpers

  private Future<Void> finish(String key, String outcome, String detail) {
    return store.finishCall(pool, key, outcome, detail, clock.instant());
  }

  private Future<PaymentRow> load(UUID id) {
    return store.payment(pool, id).compose(p -> p != null ? Future.succeededFuture(p)
        : Future.failedFuture(new QueueException.NotFound("No payment with id '" + id + "'.")));
  }
}
