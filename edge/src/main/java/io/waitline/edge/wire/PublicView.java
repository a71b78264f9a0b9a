package io.waitline.edge.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.command.QueueSnapshot;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.util.List;
import java.util.UUID;

/**
 * The one home of what each audience may see of a queue: snapshots, events and a patient's own visit. Staff see
 * patient details; public screens see no names, no expected (not yet arrived) patients, and initials only where the
 * site chose to show them; a patient sees their own ticket, place and estimate and nothing of anyone else.
 */
public final class PublicView {
  private PublicView() {}

  /** Who is looking at a queue. */
  public enum View {
    STAFF, DISPLAY_INITIALS, DISPLAY_TICKETS;

    /** The view of a staff feed, or of a public screen at {@code site}. */
    public static View of(boolean staff, Site site) {
      if (staff) return STAFF;
      return "initials".equals(site.displayMode()) ? DISPLAY_INITIALS : DISPLAY_TICKETS;
    }
  }

  /** A queue snapshot as {@code view} may see it. */
  public static JsonObject snapshot(QueueSnapshot s, View view) {
    JsonArray entries = new JsonArray();
    for (Entry e : s.entries()) {
      JsonObject json = entry(view, e);
      if (json == null) continue;
      Lineup.Place place = s.lineup().placeOf(e.id());
      json.put("position", place == null ? null : place.position())
          .put("estimate", place == null ? null : EntryJson.estimate(place.estimate()));
      entries.add(json);
    }
    return new JsonObject().put("queue", EntryJson.queue(s.queue())).put("seq", s.seq()).put("entries", entries);
  }

  /** A queue event as a feed frame for {@code view}. */
  public static JsonObject event(QueueEvent e, View view) {
    QueueEventPayload p = e.payload();
    return new JsonObject().put("type", "event").put("queueId", e.queueId()).put("seq", e.seq())
        .put("event", e.type().wire()).put("at", e.at().toString())
        .put("entry", p.entry() == null ? null : entry(view, p.entry()))
        .put("lineup", EntryJson.lineup(p.lineup())).put("queue", EntryJson.queue(p.queue()));
  }

  /** Only this patient's own facts: ticket, status, place, estimate, where to go. No names of anyone. */
  public static JsonObject visit(VisitView v) {
    Lineup.Place place = v.place();
    return new JsonObject()
        .put("ticket", v.entry().ticket())
        .put("status", v.entry().status().wire())
        .put("calledTo", v.entry().calledTo())
        .put("runningLate", v.entry().runningLate())
        .put("position", place == null ? null : place.position())
        .put("peopleAhead", place == null ? null : place.position() - 1)
        .put("estimate", place == null ? null : EntryJson.estimate(place.estimate()))
        .put("queueId", v.queue().id())
        .put("queueName", v.queue().name())
        .put("queuePaused", v.queue().paused())
        .put("siteName", v.site().name())
        .put("language", v.site().language())
        .put("seq", v.queue().version());
  }

  /**
   * A patient's visit as an event of their queue leaves it: the queue's name and pause state, and their place in the
   * event's lineup. Null when the visit must be read afresh instead: the event is about this patient's own entry
   * ({@code entryId}), or it moves them into or out of the line.
   */
  public static JsonObject visitAfter(JsonObject visit, QueueEvent e, String entryId) {
    Entry entry = e.payload().entry();
    if (entry != null && entryId.equals(entry.id().toString())) return null;
    return visitAt(visit, e, entryId);
  }

  /**
   * A patient's visit with the queue's name and pause state and their place as of event {@code e}, their own facts
   * (ticket, status, desk) as they are in {@code visit}; null when the event's lineup lists them and the visit does
   * not show them waiting, or the other way round.
   */
  public static JsonObject visitAt(JsonObject visit, QueueEvent e, String entryId) {
    QueueEventPayload p = e.payload();
    QueueEventPayload.Place place = p.placeOf(UUID.fromString(entryId));
    if ((place != null) != (visit.getInteger("position") != null)) return null;
    JsonObject moved = visit.copy().put("seq", e.seq());
    ServiceQueue queue = p.queue();
    if (queue != null) moved.put("queuePaused", queue.paused()).put("queueName", queue.name());
    if (place != null) {
      moved.put("position", place.position()).put("peopleAhead", place.position() - 1)
          .put("estimate", EntryJson.estimate(place.estimate()));
    }
    return moved;
  }

  /**
   * A queue as {@code view} sees it at seq {@code s.seq()} in feed protocol 2: the entries the view shows (no
   * positions: they follow from {@code line}) and {@code line}, the waiting entries' ids in order as event
   * {@code s.seq()} gave it ({@code lineAtSeq}), so every reader at that seq holds the same line whenever it read it.
   */
  public static JsonObject view(QueueSnapshot s, List<UUID> lineAtSeq, View view) {
    JsonArray entries = new JsonArray();
    for (Entry e : s.entries()) {
      JsonObject json = entry(view, e);
      if (json != null) entries.add(json);
    }
    JsonArray line = new JsonArray();
    lineAtSeq.forEach(id -> line.add(id.toString()));
    return new JsonObject().put("queue", EntryJson.queue(s.queue())).put("seq", s.seq()).put("entries", entries)
        .put("line", line);
  }

  /** An entry's JSON as {@code view} may see it; null when the view does not show it at all. */
  static JsonObject entry(View view, Entry e) {
    if (view == View.STAFF) return EntryJson.staff(e);
    if (e.status() == Status.EXPECTED) return null;
    JsonObject entry = EntryJson.display(e);
    if (view == View.DISPLAY_TICKETS) entry.remove("initials");
    return entry;
  }
}
