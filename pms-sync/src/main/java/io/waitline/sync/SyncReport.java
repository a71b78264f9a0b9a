package io.waitline.sync;

import io.vertx.core.json.JsonObject;
import io.waitline.sync.pipeline.Outcome;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** What one sync run did: records per outcome and pages read. */
public record SyncReport(boolean fullRead, int pages, Map<Outcome, Integer> outcomes, Instant startedAt,
    Instant finishedAt) {

  public int count(Outcome o) {
    return outcomes.getOrDefault(o, 0);
  }

  public int records() {
    return outcomes.values().stream().mapToInt(Integer::intValue).sum();
  }

  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    for (Outcome o : Outcome.values()) counts.put(o.wire(), count(o));
    return new JsonObject().put("fullRead", fullRead).put("pages", pages).put("records", records())
        .put("counts", counts).put("startedAt", startedAt.toString()).put("finishedAt", finishedAt.toString());
  }

  /** Counts outcomes as a run goes. */
  static final class Tally {
    final Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    int pages;

    void add(Outcome o) {
      outcomes.merge(o, 1, Integer::sum);
    }
  }
}
