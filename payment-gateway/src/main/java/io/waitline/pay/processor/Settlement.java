package io.waitline.pay.processor;

import java.time.Instant;

/**
 * One booking at the processor (a balance transaction).
 *
 * @param kind {@code charge} or {@code refund}
 * @param sourceRef the charge or refund it books
 * @param amountMinor positive for a charge, negative for a refund, as the processor reports it
 */
public record Settlement(String ref, String kind, String sourceRef, long amountMinor, long feeMinor,
    String currency, Instant at) {}
