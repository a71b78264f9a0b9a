package io.waitline.queue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * v1 estimator: the k-th waiting patient starts after about k services spread over the staff on duty. With service
 * times of mean μ and deviation σ, the wait is approximately normal with mean kμ/c and deviation √k·σ/c; P90 adds
 * 1.2816 deviations. Position 1 counts one service because staff are typically mid-way through someone.
 */
public final class ServiceTimeEstimator implements WaitEstimator {
  private static final double Z90 = 1.2816;

  @Override
  public Map<UUID, WaitEstimate> estimate(QueueDay day) {
    List<Integer> recent = day.served().stream().map(QueueDay.Served::serviceSeconds).limit(50).toList();
    return estimate(day.waiting(), new ServiceStats(recent, day.defaultServiceSeconds()), day.staffOnDuty());
  }

  /** The v1 estimate of a line in service order, from its recent service times and the staff recorded. */
  public Map<UUID, WaitEstimate> estimate(List<Entry> ordered, ServiceStats stats, int staffOnDuty) {
    Map<UUID, WaitEstimate> result = new HashMap<>();
    if (staffOnDuty <= 0) return result;
    double mean = stats.meanSeconds();
    double sd = stats.stdDevSeconds();
    for (int i = 0; i < ordered.size(); i++) {
      int k = i + 1;
      double p50 = k * mean / staffOnDuty;
      double p90 = p50 + Z90 * Math.sqrt(k) * sd / staffOnDuty;
      int p50Min = (int) Math.round(p50 / 60.0);
      int p90Min = Math.max(p50Min, (int) Math.ceil(p90 / 60.0));
      result.put(ordered.get(i).id(), new WaitEstimate(p50Min, p90Min, stats.hasHistory()));
    }
    return result;
  }
}
