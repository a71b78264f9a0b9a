package io.waitline.queue;

import java.util.Locale;

/** Clinical priority class; a lower rank is served first. */
public enum Priority {
  URGENT(0), HIGH(1), NORMAL(2);

  private final int rank;
  /** The lower-case name, in every default locale (a Turkish one would lower {@code I} to a dotless {@code ı}). */
  private final String wire = name().toLowerCase(Locale.ROOT);

  Priority(int rank) {
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  public String wire() {
    return wire;
  }

  public static Priority fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
