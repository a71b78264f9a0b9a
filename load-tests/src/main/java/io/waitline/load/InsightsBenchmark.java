package io.waitline.load;

import static io.waitline.load.BenchmarkRun.log;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast a running Waitline server answers {@code GET /api/v1/sites/{s}/insights} over a year of a busy clinic
 * (generated beforehand by load-tests/insights-year.sql): a day, week, month, quarter and year, each ending on
 * {@code --last-day}, without and with filters, each asked {@code --rounds} times one after another. The time is from
 * sending the request to the whole JSON answer.
 */
public final class InsightsBenchmark {
  /** The ranges asked, by name: how many days each covers, ending on the last day. */
  static final Map<String, Integer> RANGES = ranges();
  private final InsightsOptions o;
  private final Api api;

  private InsightsBenchmark(InsightsOptions o, Vertx vertx) {
    this.o = o;
    this.api = new Api(WebClient.create(vertx), o.baseUrl());
  }

  public static void main(String[] args) throws Exception {
    BenchmarkRun.main(args, InsightsOptions.USAGE, InsightsOptions::parse,
        (o, vertx) -> new InsightsBenchmark(o, vertx).run(), InsightsBenchmark::yearCounted);
  }

  /** The unfiltered year's total counts every visit generated (when the count was given). */
  static boolean yearCounted(JsonObject result) {
    long expected = result.getLong("visitsGenerated");
    return expected == 0 || result.getLong("yearVisits") == expected;
  }

  private static Map<String, Integer> ranges() {
    Map<String, Integer> r = new LinkedHashMap<>();
    r.put("day", 1);
    r.put("week", 7);
    r.put("month", 30);
    r.put("quarter", 91);
    r.put("year", 365);
    return r;
  }

  /** The filters asked with every range, by name: the query text they add. */
  private Map<String, String> filters() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("none", "");
    f.put("queue", "&queue=" + o.site() + "-1");
    f.put("source", "&source=appointment");
    f.put("queue + priority", "&queue=" + o.site() + "-2&priority=normal");
    return f;
  }

  private JsonObject run() {
    api.signIn(o.username(), o.password());
    JsonArray rows = new JsonArray();
    long yearVisits = -1;
    for (Map.Entry<String, Integer> range : RANGES.entrySet()) {
      LocalDate from = o.lastDay().minusDays(range.getValue() - 1);
      for (Map.Entry<String, String> filter : filters().entrySet()) {
        String query = "from=" + from + "&to=" + o.lastDay() + filter.getValue();
        LatencyStats times = new LatencyStats();
        long firstNanos = 0;
        JsonObject answer = null;
        for (int i = 0; i < o.rounds(); i++) {
          long t0 = System.nanoTime();
          answer = api.insights(o.site(), query);
          long took = System.nanoTime() - t0;
          if (i == 0) firstNanos = took;
          times.add(took);
        }
        long visits = answer.getJsonObject("total").getLong("visits");
        if (range.getKey().equals("year") && filter.getKey().equals("none")) yearVisits = visits;
        JsonObject ms = times.toJson();
        log("%-7s %-16s %7d visits: first %.1f ms, p50 %.1f ms, max %.1f ms", range.getKey(), filter.getKey(),
            visits, LatencyStats.ms(firstNanos), ms.getDouble("p50"), ms.getDouble("max"));
        rows.add(new JsonObject().put("range", range.getKey()).put("days", range.getValue())
            .put("filter", filter.getKey()).put("query", query).put("visits", visits)
            .put("dailyRows", answer.getJsonArray("daily").size()).put("firstMs", LatencyStats.ms(firstNanos))
            .put("latencyMs", ms).put("underOneSecond", times.max() < 1_000_000_000L));
      }
    }
    return new JsonObject().put("baseUrl", o.baseUrl()).put("site", o.site()).put("lastDay", o.lastDay().toString())
        .put("rounds", o.rounds()).put("visitsGenerated", o.visits()).put("yearVisits", yearVisits)
        .put("requests", rows);
  }
}
