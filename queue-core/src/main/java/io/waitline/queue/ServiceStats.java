package io.waitline.queue;

import java.util.List;

/**
 * Recent service times of one queue, in seconds, newest first.
 *
 * @param defaultServiceSeconds what to assume when there is not enough history
 */
public record ServiceStats(List<Integer> recentServiceSeconds, int defaultServiceSeconds) {
  /** Fewer completed services than this and the default service time is used. */
  public static final int MIN_SAMPLES = 5;

  public ServiceStats {
    recentServiceSeconds = List.copyOf(recentServiceSeconds);
    if (defaultServiceSeconds <= 0) throw new IllegalArgumentException("default service time must be positive");
  }

  public boolean hasHistory() {
    return recentServiceSeconds.size() >= MIN_SAMPLES;
  }

  public double meanSeconds() {
    if (!hasHistory()) return defaultServiceSeconds;
    return recentServiceSeconds.stream().mapToInt(Integer::intValue).average().orElse(defaultServiceSeconds);
  }

  /** Sample standard deviation; half the mean when there is no history (service times vary a lot). */
  public double stdDevSeconds() {
    if (!hasHistory()) return defaultServiceSeconds / 2.0;
    double mean = meanSeconds();
    double sumSq = 0;
    for (int s : recentServiceSeconds) sumSq += (s - mean) * (s - mean);
    return Math.sqrt(sumSq / (recentServiceSeconds.size() - 1));
  }
}
