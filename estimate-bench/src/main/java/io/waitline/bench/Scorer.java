package io.waitline.bench;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.Lineup;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.WaitEstimator;
import io.waitline.queue.replay.EstimateReplay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores estimators on replayed days (trace-format scoring): after every replayed event, each waiting entry's shown
 * estimate against its true remaining wait, the first call at or after that moment. Baselines are computed on the
 * same moments: rolling average (position × mean of the last 10 service times ÷ staff recorded, P90 by the normal
 * approximation of v1) and head-of-line (the wait the most recently called patient had, for everyone; P90 1.5 × it).
 */
public final class Scorer {
  public static final String SIMULATED = "Waitline (forward simulation)";
  public static final String NO_ROTA = "forward simulation, no rota";
  public static final String V1 = "Waitline v1 (ServiceTimeEstimator)";
  public static final String ROLLING = "rolling average";
  public static final String HEAD = "head-of-line";
  public static final List<String> BUCKETS = List.of("1", "2–3", "4–7", "8+");

  /** Sums of one group of estimates. */
  public static final class Tally {
    public long n;
    public double absErr;
    public double err;
    public long p90Covered;
    public long inRange;
    public long inOldRange;
    public long overCap;
    public long p50Covered;
    public long updates;
    public double moved;
    public long movedOver5;
    public double real;

    void add(double p50, double p90, double truth, WaitEstimate shown) {
      n++;
      real += truth / 60;
      absErr += Math.abs(p50 - truth) / 60;
      err += (p50 - truth) / 60;
      if (truth <= p90) p90Covered++;
      if (truth <= p50) p50Covered++;
      if (shown != null) {
        double w = truth / 60;
        if (shown.p90Minutes() > WaitEstimate.DISPLAY_CAP_MINUTES) {
          overCap++;
          if (w > WaitEstimate.DISPLAY_CAP_MINUTES) {
            inRange++;
            inOldRange++;
          }
        } else {
          if (w >= shown.rangeLowMinutes() && w <= shown.rangeHighMinutes()) inRange++;
          int oldLow = (shown.p50Minutes() / 5) * 5;
          int oldHigh = Math.max(oldLow + 5, ((shown.p90Minutes() + 4) / 5) * 5);
          if (w >= oldLow && w <= oldHigh) inOldRange++;
        }
      }
    }

    public double meanReal() {
      return real / Math.max(1, n);
    }

    public double mae() {
      return absErr / Math.max(1, n);
    }

    public double bias() {
      return err / Math.max(1, n);
    }

    public double p90Coverage() {
      return 100.0 * p90Covered / Math.max(1, n);
    }

    public double p50Coverage() {
      return 100.0 * p50Covered / Math.max(1, n);
    }

    public double rangeShare() {
      return 100.0 * inRange / Math.max(1, n);
    }

    public double oldRangeShare() {
      return 100.0 * inOldRange / Math.max(1, n);
    }

    public double meanMove() {
      return moved / Math.max(1, updates);
    }

    public double shareMovedOver5() {
      return 100.0 * movedOver5 / Math.max(1, updates);
    }
  }

  /** estimator → group ("all", "pos 1", "profile gp", "check-in", "calib 10–20") → tally. */
  public final Map<String, Map<String, Tally>> tallies = new LinkedHashMap<>();
  private final Map<String, Double> lastCallEstimate = new HashMap<>();

  public Tally tally(String estimator, String group) {
    return tallies.computeIfAbsent(estimator, k -> new LinkedHashMap<>()).computeIfAbsent(group, k -> new Tally());
  }

  /** Replays one day with the simulated estimator, v1 and the baselines, and adds every scored estimate. */
  public void score(List<JsonObject> day, WaitEstimator simulated, WaitEstimator v1) {
    String profile = day.get(0).getString("profile");
    Map<String, List<Integer>> calls = new HashMap<>();
    Map<Long, JsonObject> events = new HashMap<>();
    for (JsonObject line : day) {
      if ("truth".equals(line.getString("type"))) {
        List<Integer> c = new ArrayList<>();
        line.getJsonArray("calls").forEach(o -> c.add(((Number) o).intValue()));
        calls.put(line.getString("entry"), c);
      } else if (line.containsKey("seq")) {
        events.put(line.getLong("seq"), line);
      }
    }
    // every estimator is scored on the same moments: those where all four give an estimate
    Map<String, WaitEstimate> simulatedAt = new HashMap<>();
    Map<String, WaitEstimate> noRotaAt = new HashMap<>();
    replay(new EstimateReplay(simulated), day, (m, entry, position, w) -> simulatedAt.put(m.seq() + "|" + entry, w));
    replay(new EstimateReplay(simulated, false), day,
        (m, entry, position, w) -> noRotaAt.put(m.seq() + "|" + entry, w));
    replay(new EstimateReplay(v1), day, (m, entry, position, w) -> {
      WaitEstimate sim = simulatedAt.remove(m.seq() + "|" + entry);
      WaitEstimate noRota = noRotaAt.get(m.seq() + "|" + entry);
      List<Integer> recent = m.day().served().stream().limit(10).map(s -> s.serviceSeconds()).toList();
      int staff = m.day().staffOnDuty();
      if (sim == null || noRota == null || staff <= 0 || recent.isEmpty() || m.lastCalledWaitSeconds() == null) {
        return;
      }
      add(SIMULATED, profile, m, entry, position, sim, calls, events);
      add(NO_ROTA, profile, m, entry, position, noRota, calls, events);
      add(V1, profile, m, entry, position, w, calls, events);
      double mean = recent.stream().mapToInt(Integer::intValue).average().orElse(0);
      double sd = Math.sqrt(recent.stream().mapToDouble(s -> (s - mean) * (s - mean)).sum()
          / Math.max(1, recent.size() - 1));
      double p50 = position * mean / staff;
      add(ROLLING, profile, m, entry, position, p50, p50 + 1.2816 * Math.sqrt(position) * sd / staff, calls, events);
      double head = m.lastCalledWaitSeconds();
      add(HEAD, profile, m, entry, position, head, 1.5 * head, calls, events);
    });
    // moments only the simulation estimates (no staff recorded, or nobody called yet): reported apart
    simulatedOnly += simulatedAt.size();
  }

  /** Estimates the simulation gave where a baseline could not (not scored). */
  public long simulatedOnly;

  private interface PlaceConsumer {
    void accept(EstimateReplay.Moment m, String entry, int position, WaitEstimate w);
  }

  private static void replay(EstimateReplay replay, List<JsonObject> day, PlaceConsumer out) {
    for (JsonObject line : day) {
      replay.accept(line, m -> {
        for (Lineup.Place p : m.lineup().places()) {
          if (p.estimate() != null) out.accept(m, m.traceIds().get(p.entry().id()), p.position(), p.estimate());
        }
      });
    }
  }

  private void add(String estimator, String profile, EstimateReplay.Moment m, String entry, int position,
      WaitEstimate w, Map<String, List<Integer>> calls, Map<Long, JsonObject> events) {
    add(estimator, profile, m, entry, position, w.p50Minutes() * 60.0, w.p90Minutes() * 60.0, w, calls, events);
  }

  private void add(String estimator, String profile, EstimateReplay.Moment m, String entry, int position, double p50,
      double p90, Map<String, List<Integer>> calls, Map<Long, JsonObject> events) {
    add(estimator, profile, m, entry, position, p50, p90, null, calls, events);
  }

  private void add(String estimator, String profile, EstimateReplay.Moment m, String entry, int position, double p50,
      double p90, WaitEstimate shown, Map<String, List<Integer>> calls, Map<Long, JsonObject> events) {
    Integer call = calls.getOrDefault(entry, List.of()).stream().filter(c -> c >= m.t()).findFirst().orElse(null);
    if (call == null) return;
    double truth = call - m.t();
    String bucket = position == 1 ? "1" : position <= 3 ? "2–3" : position <= 7 ? "4–7" : "8+";
    tally(estimator, "all").add(p50, p90, truth, shown);
    tally(estimator, "pos " + bucket).add(p50, p90, truth, shown);
    tally(estimator, "profile " + profile).add(p50, p90, truth, shown);
    tally(estimator, profile + " " + m.queue() + " " + bucket).add(p50, p90, truth, shown);
    JsonObject event = events.get(m.seq());
    boolean checkIn = event != null && entry.equals(event.getString("entry"))
        && ("checked_in".equals(event.getString("type")) || "transferred_in".equals(event.getString("type")));
    if (checkIn) tally(estimator, "check-in").add(p50, p90, truth, shown);
    int bin = (int) Math.min(90, Math.floor(p50 / 600) * 10);
    tally(estimator, "calib " + bin).add(p50, p90, truth, shown);
    // jumpiness: how far the estimated call time (now + P50) moves between consecutive updates of one patient
    String key = estimator + "|" + m.queue() + "|" + entry;
    double callEstimate = m.t() + p50;
    Double previous = lastCallEstimate.put(key, callEstimate);
    if (previous != null) {
      Tally all = tally(estimator, "all");
      double moved = Math.abs(callEstimate - previous) / 60;
      all.updates++;
      all.moved += moved;
      if (moved > 5) all.movedOver5++;
    }
  }

  /** Calibration bins in order. */
  public Map<Integer, Tally> calibration(String estimator) {
    Map<Integer, Tally> bins = new TreeMap<>();
    tallies.getOrDefault(estimator, Map.of()).forEach((group, t) -> {
      if (group.startsWith("calib ")) bins.put(Integer.parseInt(group.substring(6)), t);
    });
    return bins;
  }
}
