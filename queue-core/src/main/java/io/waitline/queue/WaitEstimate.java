package io.waitline.queue;

/**
 * Estimated minutes until an entry is called: the median and the 90th percentile.
 *
 * @param basedOnHistory false when the queue has too few completed services and the default service time was used
 */
public record WaitEstimate(int p50Minutes, int p90Minutes, boolean basedOnHistory) {
  /** Above this many minutes patients are told "over 2 h" rather than a number: a longer range would not be honest. */
  public static final int DISPLAY_CAP_MINUTES = 120;

  public WaitEstimate {
    if (p50Minutes < 0 || p90Minutes < p50Minutes) {
      throw new IllegalArgumentException("need 0 <= p50 <= p90, got " + p50Minutes + "/" + p90Minutes);
    }
  }

  /**
   * The range patients see, on 5-minute steps: from as far below P50 as P90 is above it (rounded down) to P90 (rounded
   * up), e.g. "10–25 min" for 17/23. It holds the real wait about four times in five; P50–P90 alone held it less than
   * half the time.
   */
  public String displayRange() {
    if (p90Minutes > DISPLAY_CAP_MINUTES) return "over " + DISPLAY_CAP_MINUTES / 60 + " h";
    int high = rangeHighMinutes();
    if (high <= 5) return "under 5 min";
    return rangeLowMinutes() + "–" + high + " min";
  }

  public int rangeLowMinutes() {
    return (Math.max(0, 2 * p50Minutes - p90Minutes) / 5) * 5;
  }

  public int rangeHighMinutes() {
    return Math.max(rangeLowMinutes() + 5, ((p90Minutes + 4) / 5) * 5);
  }
}
