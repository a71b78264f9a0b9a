package io.waitline.queue.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.WaitEstimate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The stored JSON of {@link QueueEventPayload} (column {@code queue_event.payload}); schema in docs/events.md.
 * Writes format {@value QueueEventPayload#VERSION}; reads it and the unversioned legacy format of earlier releases,
 * so an existing event log stays readable. Clients never see this JSON: the edge renders events for them.
 */
public final class EventPayloadCodec {
  private EventPayloadCodec() {}

  public static JsonObject encode(QueueEventPayload p) {
    JsonArray lineup = new JsonArray();
    for (QueueEventPayload.Place place : p.lineup()) {
      lineup.add(new JsonObject()
          .put("entryId", place.entryId().toString())
          .put("ticket", place.ticket())
          .put("position", place.position())
          .put("estimate", estimate(place.estimate())));
    }
    return new JsonObject()
        .put("version", QueueEventPayload.VERSION)
        .put("entry", p.entry() == null ? null : entry(p.entry()))
        .put("lineup", lineup)
        .put("queue", queue(p.queue()));
  }

  /** Reads a stored payload of any format this code knows; fails for a format written by a newer release. */
  public static QueueEventPayload decode(JsonObject json) {
    int version = json.getInteger("version", QueueEventPayload.LEGACY);
    if (version > QueueEventPayload.VERSION) {
      throw new IllegalArgumentException("event payload format " + version + " is newer than this release reads ("
          + QueueEventPayload.VERSION + ")");
    }
    boolean legacy = version == QueueEventPayload.LEGACY;
    JsonObject entry = json.getJsonObject("entry");
    List<QueueEventPayload.Place> lineup = new ArrayList<>();
    for (Object o : json.getJsonArray("lineup", new JsonArray())) {
      JsonObject place = (JsonObject) o;
      lineup.add(new QueueEventPayload.Place(UUID.fromString(place.getString(legacy ? "id" : "entryId")),
          place.getString("ticket"), place.getInteger("position"), estimate(place.getJsonObject("estimate"))));
    }
    JsonObject queue = json.getJsonObject("queue");
    return new QueueEventPayload(version, entry == null ? null : entry(entry), lineup,
        legacy ? legacyQueue(queue) : queue(queue));
  }

  // --- the entry (format 1 adds appointmentRef to the legacy staff shape, whose extra "initials" is ignored)

  private static JsonObject entry(Entry e) {
    Patient p = e.patient();
    return new JsonObject()
        .put("id", e.id().toString())
        .put("queueId", e.queueId())
        .put("ticket", e.ticket())
        .put("patient", new JsonObject()
            .put("name", p.name())
            .put("birthDate", p.birthDate() == null ? null : p.birthDate().toString())
            .put("mrn", p.mrn())
            .put("phone", p.phone())
            .put("email", p.email()))
        .put("priority", e.priority().wire())
        .put("appointmentAt", text(e.appointmentAt()))
        .put("appointmentRef", e.appointmentRef())
        .put("placeAt", text(e.placeAt()))
        .put("status", e.status().wire())
        .put("statusSince", text(e.statusSince()))
        .put("calledTo", e.calledTo())
        .put("runningLate", e.runningLate())
        .put("transferredFrom", e.transferredFrom() == null ? null : e.transferredFrom().toString());
  }

  private static Entry entry(JsonObject j) {
    JsonObject p = j.getJsonObject("patient");
    String birth = p.getString("birthDate");
    String from = j.getString("transferredFrom");
    return new Entry(UUID.fromString(j.getString("id")), j.getString("queueId"), j.getString("ticket"),
        new Patient(p.getString("name"), birth == null ? null : LocalDate.parse(birth), p.getString("mrn"),
            p.getString("phone"), p.getString("email")),
        Priority.fromWire(j.getString("priority")), instant(j.getString("appointmentAt")),
        j.getString("appointmentRef"), instant(j.getString("placeAt")), Status.fromWire(j.getString("status")),
        instant(j.getString("statusSince")), j.getString("calledTo"), j.getBoolean("runningLate", false),
        from == null ? null : UUID.fromString(from));
  }

  // --- estimates (the legacy shape also carried the display text "range", which is derived and ignored)

  private static JsonObject estimate(WaitEstimate w) {
    if (w == null) return null;
    return new JsonObject().put("p50Minutes", w.p50Minutes()).put("p90Minutes", w.p90Minutes())
        .put("basedOnHistory", w.basedOnHistory());
  }

  private static WaitEstimate estimate(JsonObject j) {
    if (j == null) return null;
    return new WaitEstimate(j.getInteger("p50Minutes"), j.getInteger("p90Minutes"),
        j.getBoolean("basedOnHistory", false));
  }

  // --- the queue

  private static JsonObject queue(ServiceQueue q) {
    return new JsonObject()
        .put("id", q.id())
        .put("siteId", q.siteId())
        .put("name", q.name())
        .put("ticketPrefix", q.ticketPrefix())
        .put("graceMinutes", q.rule().appointmentGrace().toMinutes())
        .put("maxWaitMinutes", q.rule().maxWait().toMinutes())
        .put("transferPolicy", q.rule().transferPolicy().wire())
        .put("defaultServiceSeconds", q.defaultServiceSeconds())
        .put("paused", q.paused())
        .put("staffOnDuty", q.staffOnDuty())
        .put("version", q.version());
  }

  private static ServiceQueue queue(JsonObject j) {
    return queue(j, j.getInteger("graceMinutes"), j.getInteger("defaultServiceSeconds"), j.getLong("version"));
  }

  /** The legacy queue was the REST shape: grace as appointmentGraceMinutes, service time in minutes, seq. */
  private static ServiceQueue legacyQueue(JsonObject j) {
    return queue(j, j.getInteger("appointmentGraceMinutes"), j.getInteger("defaultServiceMinutes") * 60,
        j.getLong("seq"));
  }

  private static ServiceQueue queue(JsonObject j, int graceMinutes, int defaultServiceSeconds, long version) {
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(graceMinutes), Duration.ofMinutes(j.getInteger("maxWaitMinutes")),
        TransferPolicy.fromWire(j.getString("transferPolicy")));
    return new ServiceQueue(j.getString("id"), j.getString("siteId"), j.getString("name"), j.getString("ticketPrefix"),
        rule, defaultServiceSeconds, j.getBoolean("paused"), j.getInteger("staffOnDuty"), version);
  }

  private static String text(Instant i) {
    return i == null ? null : InstantText.format(i);
  }

  private static Instant instant(String s) {
    return s == null ? null : InstantText.parse(s);
  }
}
