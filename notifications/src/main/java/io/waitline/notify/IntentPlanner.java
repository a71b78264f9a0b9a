package io.waitline.notify;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
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

  public static Plan plan(LoggedEvent logged, QueueRules rules, Map<UUID, Integer> baselines) {
    List<IntentDraft> out = new ArrayList<>();
    Map<UUID, Integer> nextBaselines = new HashMap<>();
    QueueEvent ev = logged.event();
    QueueEventPayload payload = ev.payload();
    Entry entry = payload.entry();
    QueueEventPayload.Place place = entry == null ? null : payload.placeOf(entry.id());

    switch (ev.type()) {
      case CHECKED_IN -> out.add(draft(logged, Kind.CHECKED_IN, entry.id(), entry.ticket(),
          withPlace(new JsonObject(), place)));
      case CALLED, RECALLED -> out.add(draft(logged, Kind.CALLED, entry.id(), entry.ticket(),
          new JsonObject().put("room", entry.calledTo())));
      case TRANSFERRED_IN -> out.add(draft(logged, Kind.TRANSFERRED, entry.id(), entry.ticket(),
          withPlace(new JsonObject(), place)));
      case PAUSED -> {
        for (QueueEventPayload.Place p : payload.lineup()) {
          out.add(draft(logged, Kind.QUEUE_PAUSED, p.entryId(), p.ticket(), withPlace(new JsonObject(), p)));
        }
      }
      default -> { }
    }

    UUID arrived = ev.type() == EventType.CHECKED_IN || ev.type() == EventType.TRANSFERRED_IN ? entry.id() : null;
    for (QueueEventPayload.Place p : payload.lineup()) {
      // a patient who arrives already near the front was told their place in the arrival message
      boolean toldOnArrival = p.entryId().equals(arrived);
      boolean first = true;
      for (int n : rules.positionAlerts()) {
        if (p.position() > n) continue;
        String skip = toldOnArrival ? "told their place on arrival" : first ? null : "a nearer threshold was sent";
        out.add(new IntentDraft("position_reached:" + p.entryId() + ":" + n, Kind.POSITION_REACHED,
            logged.position(), p.entryId(), ev.siteId(), ev.queueId(), p.ticket(),
            withPlace(new JsonObject().put("threshold", n), p), skip));
        first = false;
      }
      delay(logged, rules, baselines, p, out, nextBaselines);
    }
    return new Plan(List.copyOf(out), Map.copyOf(nextBaselines));
  }

  /** Tells a patient when their estimate grew by the queue's delay step since they last heard a number. */
  private static void delay(LoggedEvent logged, QueueRules rules, Map<UUID, Integer> baselines,
      QueueEventPayload.Place p, List<IntentDraft> out, Map<UUID, Integer> nextBaselines) {
    if (p.estimate() == null) return;
    UUID id = p.entryId();
    int p50 = p.estimate().p50Minutes();
    Integer base = baselines.get(id);
    if (base == null) {
      nextBaselines.put(id, p50);
    } else if (p50 >= base + rules.delayMinutes()) {
      int step = p50 / rules.delayMinutes();
      QueueEvent ev = logged.event();
      out.add(new IntentDraft("delayed:" + id + ":" + step, Kind.DELAYED, logged.position(), id, ev.siteId(),
          ev.queueId(), p.ticket(), withPlace(new JsonObject(), p), null));
      nextBaselines.put(id, p50);
    } else if (p50 < base) {
      nextBaselines.put(id, p50);
    }
  }

  private static IntentDraft draft(LoggedEvent logged, Kind kind, UUID entryId, String ticket, JsonObject params) {
    QueueEvent ev = logged.event();
    return new IntentDraft(kind.wire() + ":" + logged.position() + ":" + entryId, kind, logged.position(), entryId,
        ev.siteId(), ev.queueId(), ticket, params, null);
  }

  private static JsonObject withPlace(JsonObject params, QueueEventPayload.Place place) {
    if (place == null) return params;
    params.put("position", place.position());
    WaitEstimate estimate = place.estimate();
    if (estimate != null) params.put("waitLow", estimate.p50Minutes()).put("waitHigh", estimate.p90Minutes());
    return params;
  }
}
