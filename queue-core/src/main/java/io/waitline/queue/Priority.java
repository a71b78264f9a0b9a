package io.waitline.queue;

/** Clinical priority class; a lower rank is served first. */
public enum Priority {
  URGENT(0), HIGH(1), NORMAL(2);

  private final int rank;

  Priority(int rank) {
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  public String wire() {
    return name().toLowerCase();
  }

  public static Priority fromWire(String s) {
    return valueOf(s.toUpperCase());
  }
}
