package io.waitline.queue;

/**
 * Estimated minutes until an entry is called: the median and the 90th percentile.
 *
 * @param basedOnHistory false when the queue has too few completed services and the default service time was used
 */
public record WaitEstimate(int p50Minutes, int p90Minutes, boolean basedOnHistory) {
  /** Above this many minutes patients are told "we'll text you" rather than a number. */
  public static final int DISPLAY_CAP_MINUTES = 120;

  public WaitEstimate {
    if (p50Minutes < 0 || p90Minutes < p50Minutes) {
      throw new IllegalArgumentException("need 0 <= p50 <= p90, got " + p50Minutes + "/" + p90Minutes);
    }
  }

  /** The range patients see: P50 rounded down and P90 rounded up to 5 minutes, e.g. "15–25 min". */
  public String displayRange() {
    if (p90Minutes > DISPLAY_CAP_MINUTES) return "over " + DISPLAY_CAP_MINUTES / 60 + " h — we'll text you";
    int low = (p50Minutes / 5) * 5;
    int high = Math.max(low + 5, ((p90Minutes + 4) / 5) * 5);
    if (high <= 5) return "under 5 min";
    return low + "–" + high + " min";
  }
}
