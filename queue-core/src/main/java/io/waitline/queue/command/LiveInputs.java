package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.QueueDay;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A queue's lineup inputs of one day as a transaction changes them: the ones it read or found kept, in id order and
 * never copied, and its own changes beside them, merged in id order when asked. A batch of new appointments on a day
 * of many then costs one pass over the day, not a map of it built per transaction.
 */
final class LiveInputs {
  /** In {@link QueueDay#ID_ORDER}; not to be changed (it may be kept inputs other transactions start from). */
  private final List<Entry> base;
  private final Map<UUID, Entry> changed = new HashMap<>();
  private final Set<UUID> removed = new HashSet<>();
  private List<Entry> merged;

  private LiveInputs(List<Entry> base) {
    this.base = base;
  }

  /** Inputs kept by an earlier command, already in id order. */
  static LiveInputs kept(List<Entry> inIdOrder) {
    return new LiveInputs(inIdOrder);
  }

  /** Inputs as read from the database, in any order. */
  static LiveInputs read(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(QueueDay.ID_ORDER);
    return new LiveInputs(Collections.unmodifiableList(sorted));
  }

  /** The entry, created or changed, is among the inputs as given. */
  void put(Entry e) {
    changed.put(e.id(), e);
    removed.remove(e.id());
    merged = null;
  }

  /** The entry is no longer among the inputs (it moved to another day). */
  void remove(UUID id) {
    changed.remove(id);
    removed.add(id);
    merged = null;
  }

  /** The inputs now, in id order; unmodifiable. */
  List<Entry> inIdOrder() {
    if (merged != null) return merged;
    if (changed.isEmpty() && removed.isEmpty()) return merged = base;
    List<Entry> added = new ArrayList<>();
    boolean replaces = !removed.isEmpty();
    for (Entry e : changed.values()) {
      if (Collections.binarySearch(base, e, QueueDay.ID_ORDER) < 0) added.add(e);
      else replaces = true;
    }
    added.sort(QueueDay.ID_ORDER);
    List<Entry> out = new ArrayList<>(base.size() + added.size());
    int a = 0;
    for (Entry e : base) {
      while (a < added.size() && QueueDay.ID_ORDER.compare(added.get(a), e) < 0) out.add(added.get(a++));
      if (!replaces) out.add(e);
      else if (!removed.contains(e.id())) out.add(changed.getOrDefault(e.id(), e));
    }
    while (a < added.size()) out.add(added.get(a++));
    return merged = Collections.unmodifiableList(out);
  }
}
