package io.waitline.pay.processor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A card processor with card-present readers, as the payment flow uses it. Every method blocks (it runs on a worker
 * behind {@link ProcessorGuard}); every call that changes something carries the idempotency key the caller stored
 * before calling. A call whose outcome is not known throws {@link ProcessorException.Unknown}: the caller finds out by
 * retrieving, never by creating again.
 */
public interface CardProcessor {

  /** How payments name this processor (stored with each payment). */
  String name();

  /** Creates a card-present intent to authorize {@code amountMinor}, captured later. */
  IntentView createIntent(UUID paymentId, long amountMinor, String currency, String description, String idempotencyKey);

  /** Asks the reader to take a card for the intent; the reader answers later (retrieve or webhook). */
  IntentView processOnReader(String intentRef, String readerId, String idempotencyKey);

  /** The intent as the processor has it now, with the reader's action for it when {@code readerId} is given. */
  IntentView retrieve(String intentRef, String readerId);

  /** The intent created for a payment since {@code since}, when a create's answer was lost. */
  Optional<IntentView> findIntent(UUID paymentId, Instant since);

  IntentView capture(String intentRef, String idempotencyKey);

  /** Stops the reader (when given) and cancels the uncaptured intent. */
  IntentView cancel(String intentRef, String readerId, String idempotencyKey);

  RefundView refund(String intentRef, UUID refundId, long amountMinor, String idempotencyKey);

  /** The refund made for {@code refundId}, when a refund's answer was lost. */
  Optional<RefundView> findRefund(String intentRef, UUID refundId);

  /** What the processor booked between two instants: charges and refunds (its balance transactions). */
  List<Settlement> settlements(Instant from, Instant to);

  /** The payouts arriving at the bank between two instants, each with the charges and refunds it pays out. */
  List<Payout> payouts(Instant from, Instant to);
}
