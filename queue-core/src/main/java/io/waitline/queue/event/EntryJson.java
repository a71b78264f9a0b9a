package io.waitline.queue.event;

import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.WaitEstimate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * JSON shapes of entries and lineups. {@link #staff} carries the patient's identity; {@link #display} carries only
 * what a waiting-room screen may show (ticket, initials, where to go).
 */
public final class EntryJson {
  private EntryJson() {}

  public static JsonObject staff(Entry e) {
    JsonObject patient = new JsonObject()
        .put("name", e.patient().name())
        .put("birthDate", e.patient().birthDate() == null ? null : e.patient().birthDate().toString())
        .put("mrn", e.patient().mrn())
        .put("phone", e.patient().phone())
        .put("email", e.patient().email());
    return base(e).put("patient", patient).put("initials", e.patient().initials());
  }

  public static JsonObject display(Entry e) {
    return base(e).put("initials", e.patient().initials());
  }

  private static JsonObject base(Entry e) {
    return new JsonObject()
        .put("id", e.id().toString())
        .put("queueId", e.queueId())
        .put("ticket", e.ticket())
        .put("priority", e.priority().wire())
        .put("status", e.status().wire())
        .put("statusSince", e.statusSince().toString())
        .put("calledTo", e.calledTo())
        .put("appointmentAt", e.appointmentAt() == null ? null : e.appointmentAt().toString())
        .put("placeAt", e.placeAt().toString())
        .put("runningLate", e.runningLate())
        .put("transferredFrom", e.transferredFrom() == null ? null : e.transferredFrom().toString());
  }

  public static JsonObject estimate(WaitEstimate w) {
    if (w == null) return null;
    return new JsonObject()
        .put("p50Minutes", w.p50Minutes())
        .put("p90Minutes", w.p90Minutes())
        .put("range", w.displayRange())
        .put("basedOnHistory", w.basedOnHistory());
  }

  /** Positions and estimates only: ids and tickets, no names. */
  public static JsonArray lineup(Lineup lineup) {
    JsonArray out = new JsonArray();
    for (Lineup.Place p : lineup.places()) {
      out.add(new JsonObject()
          .put("id", p.entry().id().toString())
          .put("ticket", p.entry().ticket())
          .put("position", p.position())
          .put("estimate", estimate(p.estimate())));
    }
    return out;
  }

  public static JsonObject queue(ServiceQueue q) {
    return new JsonObject()
        .put("id", q.id())
        .put("siteId", q.siteId())
        .put("name", q.name())
        .put("ticketPrefix", q.ticketPrefix())
        .put("appointmentGraceMinutes", q.rule().appointmentGrace().toMinutes())
        .put("maxWaitMinutes", q.rule().maxWait().toMinutes())
        .put("transferPolicy", q.rule().transferPolicy().wire())
        .put("defaultServiceMinutes", q.defaultServiceSeconds() / 60)
        .put("paused", q.paused())
        .put("staffOnDuty", q.staffOnDuty())
        .put("seq", q.version());
  }

  public static JsonObject site(Site s) {
    return new JsonObject()
        .put("id", s.id())
        .put("name", s.name())
        .put("timeZone", s.zone().getId())
        .put("language", s.language())
        .put("displayMode", s.displayMode());
  }
}
