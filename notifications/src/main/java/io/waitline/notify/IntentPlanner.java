package io.waitline.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decides which messages a queue event means. Pure: the same event, rules and watch state always give the same
 * drafts, so reading an event twice can only produce keys that already exist.
 */
public final class IntentPlanner {
  private IntentPlanner() {}

  /**
   * What one event means.
   *
   * @param intents drafts to store (duplicates of earlier keys are dropped by the store)
   * @param baselines new delay baselines (estimate minutes) per entry, to store with the intents
   */
  public record Plan(List<IntentDraft> intents, Map<UUID, Integer> baselines) {}

  public static Plan plan(OutboxEvent ev, QueueRules rules, Map<UUID, Integer> baselines) {
    List<IntentDraft> out = new ArrayList<>();
    Map<UUID, Integer> nextBaselines = new HashMap<>();
    JsonObject payload = ev.payload() == null ? new JsonObject() : ev.payload();
    JsonObject entry = payload.getJsonObject("entry");
    JsonArray lineup = payload.getJsonArray("lineup", new JsonArray());
    UUID entryId = entry == null ? null : UUID.fromString(entry.getString("id"));
    JsonObject place = entryId == null ? null : placeOf(lineup, entryId);

    switch (ev.type()) {
      case "checked_in" -> out.add(draft(ev, Kind.CHECKED_IN, entryId, entry.getString("ticket"),
          withPlace(new JsonObject(), place)));
      case "called", "recalled" -> out.add(draft(ev, Kind.CALLED, entryId, entry.getString("ticket"),
          new JsonObject().put("room", entry.getString("calledTo"))));
      case "transferred_in" -> out.add(draft(ev, Kind.TRANSFERRED, entryId, entry.getString("ticket"),
          withPlace(new JsonObject(), place)));
      case "paused" -> {
        for (Object o : lineup) {
          JsonObject p = (JsonObject) o;
          out.add(draft(ev, Kind.QUEUE_PAUSED, UUID.fromString(p.getString("id")), p.getString("ticket"),
              withPlace(new JsonObject(), p)));
        }
      }
      default -> { }
    }

    boolean arrival = "checked_in".equals(ev.type()) || "transferred_in".equals(ev.type());
    for (Object o : lineup) {
      JsonObject p = (JsonObject) o;
      UUID id = UUID.fromString(p.getString("id"));
      int position = p.getInteger("position");
      // a patient who arrives already near the front was told their place in the arrival message
      boolean toldOnArrival = arrival && id.equals(entryId);
      boolean first = true;
      for (int n : rules.positionAlerts()) {
        if (position > n) continue;
        String skip = toldOnArrival ? "told their place on arrival" : first ? null : "a nearer threshold was sent";
        out.add(new IntentDraft("position_reached:" + id + ":" + n, Kind.POSITION_REACHED, ev.id(), id,
            ev.siteId(), ev.queueId(), p.getString("ticket"),
            withPlace(new JsonObject().put("threshold", n), p), skip));
        first = false;
      }
      delay(ev, rules, baselines, p, id, out, nextBaselines);
    }
    return new Plan(List.copyOf(out), Map.copyOf(nextBaselines));
  }

  /** Tells a patient when their estimate grew by the queue's delay step since they last heard a number. */
  private static void delay(OutboxEvent ev, QueueRules rules, Map<UUID, Integer> baselines, JsonObject p, UUID id,
      List<IntentDraft> out, Map<UUID, Integer> nextBaselines) {
    JsonObject estimate = p.getJsonObject("estimate");
    if (estimate == null) return;
    int p50 = estimate.getInteger("p50Minutes");
    Integer base = baselines.get(id);
    if (base == null) {
      nextBaselines.put(id, p50);
    } else if (p50 >= base + rules.delayMinutes()) {
      int step = p50 / rules.delayMinutes();
      out.add(new IntentDraft("delayed:" + id + ":" + step, Kind.DELAYED, ev.id(), id, ev.siteId(), ev.queueId(),
          p.getString("ticket"), withPlace(new JsonObject(), p), null));
      nextBaselines.put(id, p50);
    } else if (p50 < base) {
      nextBaselines.put(id, p50);
    }
  }

  private static IntentDraft draft(OutboxEvent ev, Kind kind, UUID entryId, String ticket, JsonObject params) {
    return new IntentDraft(kind.wire() + ":" + ev.id() + ":" + entryId, kind, ev.id(), entryId, ev.siteId(),
        ev.queueId(), ticket, params, null);
  }

  private static JsonObject placeOf(JsonArray lineup, UUID id) {
    for (Object o : lineup) {
      JsonObject p = (JsonObject) o;
      if (id.toString().equals(p.getString("id"))) return p;
    }
    return null;
  }

  private static JsonObject withPlace(JsonObject params, JsonObject place) {
    if (place == null) return params;
    params.put("position", place.getInteger("position"));
    JsonObject estimate = place.getJsonObject("estimate");
    if (estimate != null) {
      params.put("waitLow", estimate.getInteger("p50Minutes")).put("waitHigh", estimate.getInteger("p90Minutes"));
    }
    return params;
  }
}
