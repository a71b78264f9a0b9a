package io.waitline.pay;

import java.util.Locale;

/**
 * Where a payment stands. {@link #UNKNOWN} is written before every processor call and replaced by the answer: a
 * payment left unknown (timeout, dropped connection, a node that died mid-call) is resolved by retrieving.
 */
public enum PaymentState {
  /** Stored, no processor intent yet. */
  CREATED(0),
  /** The processor's intent exists; the reader can be asked for a card. */
  READY(1),
  /** The last card was declined; another may be tried. */
  DECLINED(1),
  /** The reader is asking for the card. */
  PROCESSING(2),
  /** Authorized by the card, to be captured. */
  AUTHORIZED(3),
  SUCCEEDED(4),
  CANCELED(4),
  /** Nothing was charged and nothing will be (e.g. the processor refused the intent). */
  FAILED(4),
  UNKNOWN(-1);

  private final int rank;

  PaymentState(int rank) {
    this.rank = rank;
  }

  /** Order of progress: a processor report never moves a payment back to a lower rank. */
  public int rank() {
    return rank;
  }

  /** Done: no more processor calls for it, and a new payment may be started for the visit. */
  public boolean finished() {
    return this == SUCCEEDED || this == CANCELED || this == FAILED;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PaymentState fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
