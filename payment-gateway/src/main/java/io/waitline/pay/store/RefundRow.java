package io.waitline.pay.store;

import java.time.Instant;
import java.util.UUID;

/** One refund of a payment; {@code state} pending, succeeded, failed or unknown. */
public record RefundRow(UUID id, UUID paymentId, long amountMinor, String reason, String state, String refundRef,
    String failure, String createdBy, Instant createdAt, Instant updatedAt) {}
