package io.waitline.edge.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.command.QueueSnapshot;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.EntryJson;
import io.waitline.queue.event.QueueEvent;

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
      JsonObject json = entry(view, view == View.STAFF ? EntryJson.staff(e) : EntryJson.display(e));
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
    JsonObject p = e.payload();
    JsonObject entry = p.getJsonObject("entry");
    return new JsonObject().put("type", "event").put("queueId", e.queueId()).put("seq", e.seq())
        .put("event", e.type()).put("at", e.at().toString())
        .put("entry", entry == null ? null : entry(view, entry.copy()))
        .put("lineup", p.getJsonArray("lineup")).put("queue", p.getJsonObject("queue"));
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
   * A patient's visit moved by an event of their queue that was not about them: the queue's name and pause state,
   * and their place in the event's lineup ({@code place} null when the lineup does not list them).
   */
  public static JsonObject visitMoved(JsonObject visit, long seq, JsonObject queue, JsonObject place) {
    JsonObject moved = visit.copy().put("seq", seq);
    if (queue != null) moved.put("queuePaused", queue.getBoolean("paused")).put("queueName", queue.getString("name"));
    if (place != null) {
      int position = place.getInteger("position");
      moved.put("position", position).put("peopleAhead", position - 1).put("estimate", place.getJsonObject("estimate"));
    }
    return moved;
  }

  /** An entry's JSON cut down for {@code view}; null when the view does not show it at all. */
  private static JsonObject entry(View view, JsonObject entry) {
    if (view == View.STAFF) return entry;
    if (Status.EXPECTED.wire().equals(entry.getString("status"))) return null;
    entry.remove("patient");
    if (view == View.DISPLAY_TICKETS) entry.remove("initials");
    return entry;
  }
}
