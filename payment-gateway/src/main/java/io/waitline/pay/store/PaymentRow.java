package io.waitline.pay.store;

import io.waitline.pay.PaymentState;
import java.time.Instant;
import java.util.UUID;

/** One stored payment: a visit's co-pay, by card or cash. Never more card data than brand and last 4. */
public record PaymentRow(UUID id, UUID entryId, String siteId, String queueId, String ticket, String station,
    String method, String processor, String readerId, long amountMinor, String currency, PaymentState state,
    String pendingOp, String intentRef, String chargeRef, int attempts, long capturedMinor, long refundedMinor,
    long reservedMinor, String cardBrand, String cardLast4, String failure, String receiptToken, String createdBy,
    Instant createdAt, Instant updatedAt, Instant paidAt) {

  /** What can still be refunded: captured, less refunds done or under way. */
  public long refundableMinor() {
    return capturedMinor - refundedMinor - reservedMinor;
  }
}
