package io.waitline.load;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/** Latency samples in nanoseconds; percentiles by the nearest-rank method (a reported p99 is a real sample). */
final class LatencyStats {
  private long[] samples = new long[256];
  private int count;

  void add(long nanos) {
    if (nanos < 0) throw new IllegalArgumentException("a latency cannot be negative: " + nanos);
    if (count == samples.length) samples = Arrays.copyOf(samples, count * 2);
    samples[count++] = nanos;
  }

  /** Adds every sample of {@code other}: one thread's stats into the total. */
  void addAll(LatencyStats other) {
    for (int i = 0; i < other.count; i++) add(other.samples[i]);
  }

  /** Every sample of {@code parts} (one per thread, say) in one. */
  static LatencyStats merged(java.util.List<LatencyStats> parts) {
    LatencyStats all = new LatencyStats();
    parts.forEach(all::addAll);
    return all;
  }

  int count() {
    return count;
  }

  /** The smallest sample that at least {@code percent}% of the samples do not exceed; -1 when there are none. */
  long percentile(double percent) {
    if (percent <= 0 || percent > 100) throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
    if (count == 0) return -1;
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * count);
    return sorted[Math.max(rank, 1) - 1];
  }

  long max() {
    return percentile(100);
  }

  /** {@code {count, p50, p90, p99, max}} in milliseconds with 0.1 ms resolution; only {@code count} when empty. */
  JsonObject toJson() {
    JsonObject json = new JsonObject().put("count", count);
    if (count == 0) return json;
    return json.put("p50", ms(percentile(50))).put("p90", ms(percentile(90))).put("p99", ms(percentile(99)))
        .put("max", ms(max()));
  }

  static double ms(long nanos) {
    return Math.round(nanos / 100_000.0) / 10.0;
  }
}
