package io.waitline.queue;

import java.util.Locale;

/** What a patient transferred into a queue keeps from the queue they came from. */
public enum TransferPolicy {
  /** The patient keeps their original arrival time, so their place relative to others. */
  KEEP_PLACE,
  /** The patient joins at the back, as if they had just arrived. */
  BACK_OF_QUEUE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TransferPolicy fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
