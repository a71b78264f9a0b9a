package io.waitline.edge.wire;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.queue.Entry;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A feed frame of protocol 2: what one event changed in a queue as a view shows it ({@link PublicView#view}), worked
 * out from that event and the one before. It carries the entry the event is about (a view holds it while its visit
 * is not over; when the view does not show it at all, as a display an expected patient, only its id as
 * {@code removed}), the line's removals and insertions (positions follow from the order, so a call is
 * one removal however long the line) and the queue settings that changed (its seq is the frame's). Pure: the same two events give the same
 * frame on every node.
 */
public final class ViewDelta {
  private ViewDelta() {}

  /**
   * The frame that brings a view from event {@code previous} to event {@code e}.
   *
   * @param previous the queue's event with seq {@code e.seq() - 1}; null when {@code e} is the queue's first
   */
  public static JsonObject between(QueueEvent previous, QueueEvent e, View view) {
    QueueEventPayload p = e.payload();
    JsonObject frame = new JsonObject().put("type", "delta").put("queueId", e.queueId()).put("seq", e.seq())
        .put("event", e.type().wire()).put("at", e.at().toString());
    Entry entry = p.entry();
    if (entry != null) {
      JsonObject shown = PublicView.entry(view, entry);
      if (shown != null) frame.put("entry", shown);
      else frame.put("removed", entry.id().toString());
    }
    JsonObject line = lineChange(previous == null ? List.of() : ids(previous), ids(e));
    if (line != null) frame.put("line", line);
    JsonObject queue = changedFields(previous == null ? null : EntryJson.queue(previous.payload().queue()),
        EntryJson.queue(p.queue()));
    if (!queue.isEmpty()) frame.put("queue", queue);
    return frame;
  }

  private static List<String> ids(QueueEvent e) {
    return e.payload().lineup().stream().map(place -> place.entryId().toString()).toList();
  }

  /**
   * How {@code before} becomes {@code after}: {@code out}, the ids to take out; then {@code in}, [index, id] pairs in
   * ascending index to insert at. Entries that keep their order relative to each other (the longest such run) stay
   * put, so a call, a check-in or one patient moving costs one or two ids. Null when nothing changed.
   */
  static JsonObject lineChange(List<String> before, List<String> after) {
    Set<String> kept = keptInOrder(before, after);
    JsonArray out = new JsonArray();
    for (String id : before) if (!kept.contains(id)) out.add(id);
    JsonArray in = new JsonArray();
    for (int i = 0; i < after.size(); i++) {
      if (!kept.contains(after.get(i))) in.add(new JsonArray().add(i).add(after.get(i)));
    }
    if (out.isEmpty() && in.isEmpty()) return null;
    JsonObject change = new JsonObject();
    if (!out.isEmpty()) change.put("out", out);
    if (!in.isEmpty()) change.put("in", in);
    return change;
  }

  /** The ids of {@code after} that are in {@code before}, in the same order, as many as can be (longest run). */
  private static Set<String> keptInOrder(List<String> before, List<String> after) {
    Map<String, Integer> oldIndex = new HashMap<>();
    for (int i = 0; i < before.size(); i++) oldIndex.put(before.get(i), i);
    List<String> common = after.stream().filter(oldIndex::containsKey).toList();
    // longest increasing subsequence of the old indices, by patience sorting
    int n = common.size();
    int[] tails = new int[n];
    int[] previous = new int[n];
    int length = 0;
    for (int i = 0; i < n; i++) {
      int index = oldIndex.get(common.get(i));
      int lo = 0;
      int hi = length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (oldIndex.get(common.get(tails[mid])) < index) lo = mid + 1;
        else hi = mid;
      }
      previous[i] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = i;
      if (lo == length) length++;
    }
    Set<String> kept = new HashSet<>();
    for (int i = length > 0 ? tails[length - 1] : -1; i >= 0; i = previous[i]) kept.add(common.get(i));
    return kept;
  }

  /**
   * The queue's fields whose values differ from {@code before}'s (all of them when there is no before), but its
   * {@code seq}: that is the frame's.
   */
  private static JsonObject changedFields(JsonObject before, JsonObject after) {
    JsonObject changed = new JsonObject();
    for (Map.Entry<String, Object> field : after) {
      if (field.getKey().equals("seq")) continue;
      if (before == null || !Objects.equals(before.getValue(field.getKey()), field.getValue())) {
        changed.put(field.getKey(), field.getValue());
      }
    }
    return changed;
  }
}
