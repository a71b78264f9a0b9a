package io.waitline.pay.processor;

/** A processor's refund: {@code succeeded} once the money is on its way back, {@code failed} with a sentence. */
public record RefundView(String ref, long amountMinor, boolean succeeded, boolean failed, String failure) {}
