package io.waitline.edge.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.HistoryStep;
import io.waitline.queue.Rota;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The REST and feed JSON of sites, queues, entries, lineups and events: the shapes clients see, whatever queue-core
 * stores (events are stored in its own versioned format). {@link #staff} carries the patient's identity;
 * {@link #display} carries only what a waiting-room screen may show (ticket, initials, where to go); which view
 * each audience gets is {@link PublicView}'s.
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
        .put("statusSince", stored(e.statusSince()))
        .put("calledTo", e.calledTo())
        .put("appointmentAt", e.appointmentAt() == null ? null : stored(e.appointmentAt()))
        .put("placeAt", stored(e.placeAt()))
        .put("runningLate", e.runningLate())
        .put("transferredFrom", e.transferredFrom() == null ? null : e.transferredFrom().toString());
  }

  /**
   * An entry's time as the database keeps it (to the microsecond), so an entry read back and the same entry as its
   * event carried it give the same JSON.
   */
  private static String stored(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).toString();
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
  public static JsonArray lineup(List<QueueEventPayload.Place> lineup) {
    JsonArray out = new JsonArray();
    for (QueueEventPayload.Place p : lineup) {
      out.add(new JsonObject()
          .put("id", p.entryId().toString())
          .put("ticket", p.ticket())
          .put("position", p.position())
          .put("estimate", estimate(p.estimate())));
    }
    return out;
  }

  /** An event of the REST event log (staff only): the changed entry with the patient's details, lineup, queue. */
  public static JsonObject event(QueueEvent e) {
    QueueEventPayload p = e.payload();
    return new JsonObject()
        .put("queueId", e.queueId())
        .put("siteId", e.siteId())
        .put("seq", e.seq())
        .put("type", e.type().wire())
        .put("at", e.at().toString())
        .put("payload", new JsonObject()
            .put("entry", p.entry() == null ? null : staff(p.entry()))
            .put("lineup", lineup(p.lineup()))
            .put("queue", queue(p.queue())));
  }

  /** An entry's status changes, oldest first (staff). */
  public static JsonArray history(List<HistoryStep> steps) {
    JsonArray out = new JsonArray();
    for (HistoryStep h : steps) {
      out.add(new JsonObject()
          .put("from", h.from() == null ? null : h.from().wire())
          .put("to", h.to().wire())
          .put("calledTo", h.calledTo())
          .put("at", h.at().toString())
          .put("actor", h.actor())
          .put("reason", h.reason()));
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

  /** A queue's planned week: shifts with lower-case weekdays and times as HH:MM. */
  public static JsonObject rota(Rota rota) {
    return new JsonObject().put("shifts", new JsonArray(rota.shifts().stream().map(s -> new JsonObject()
        .put("day", s.day().name().toLowerCase(Locale.ROOT))
        .put("desk", s.desk())
        .put("from", s.from().toString())
        .put("to", s.to().toString())).toList()));
  }

  /** The rota a request sends, in the contract's shape (already validated against it). */
  public static Rota rota(JsonObject in) {
    return new Rota(in.getJsonArray("shifts").stream().map(o -> (JsonObject) o).map(s -> new Rota.Shift(
        DayOfWeek.valueOf(s.getString("day").toUpperCase(Locale.ROOT)), s.getString("desk"),
        LocalTime.parse(s.getString("from")), LocalTime.parse(s.getString("to")))).toList());
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
