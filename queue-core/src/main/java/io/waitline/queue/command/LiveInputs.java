package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.QueueDay;
import io.waitline.queue.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A queue's lineup inputs of one day as a transaction changes them, in two parts: the expected patients and the rest
 * (the waiting, and those at the desks or ended by this transaction). Each part is the list read or found kept, in id
 * order and never copied, with this transaction's changes beside it, merged when asked. The merge finds each change's
 * place by binary search and copies the runs between them whole, so a batch of new appointments on a day of many
 * costs a copy of the day's references, not a look at each of its entries; and the line's own work (who waits, who is
 * at a desk) never walks the expected part.
 */
final class LiveInputs {
  private final Part expected;
  private final Part present;

  private LiveInputs(List<Entry> expected, List<Entry> present) {
    this.expected = new Part(expected);
    this.present = new Part(present);
  }

  /** Inputs kept by an earlier command: the expected and the others, each in {@link QueueDay#ID_ORDER} already. */
  static LiveInputs kept(List<Entry> expected, List<Entry> present) {
    return new LiveInputs(expected, present);
  }

  /** Inputs as read from the database, in any order. */
  static LiveInputs read(List<Entry> entries) {
    QueueDay.Parts parts = QueueDay.Parts.of(entries);
    return new LiveInputs(parts.expected(), parts.present());
  }

  /** The entry, created or changed, is among the inputs as given (in the part its status puts it in). */
  void put(Entry e) {
    boolean isExpected = e.status() == Status.EXPECTED;
    (isExpected ? expected : present).put(e);
    (isExpected ? present : expected).remove(e.id());
  }

  /** The entry is no longer among the inputs (it moved to another day). */
  void remove(UUID id) {
    expected.remove(id);
    present.remove(id);
  }

  /** The expected patients now, in id order; unmodifiable. */
  List<Entry> expected() {
    return expected.merged();
  }

  /** Every other input now (waiting, at a desk, or ended by this transaction), in id order; unmodifiable. */
  List<Entry> present() {
    return present.merged();
  }

  /** One part: a list in id order that is never changed, and the changes to it. */
  private static final class Part {
    /** In {@link QueueDay#ID_ORDER}; not to be changed (it may be kept inputs other transactions start from). */
    private final List<Entry> base;
    private final Map<UUID, Entry> changed = new HashMap<>();
    private final Set<UUID> removed = new HashSet<>();
    private List<Entry> merged;

    Part(List<Entry> base) {
      this.base = base;
    }

    void put(Entry e) {
      changed.put(e.id(), e);
      removed.remove(e.id());
      merged = null;
    }

    void remove(UUID id) {
      if (changed.remove(id) == null && indexOf(id, 0) < 0) return; // never here: nothing to leave out
      removed.add(id);
      merged = null;
    }

    List<Entry> merged() {
      if (merged != null) return merged;
      if (changed.isEmpty() && removed.isEmpty()) return merged = base;
      // every change and removal in id order (an id is in one of them at most), each placed in the base by binary
      // search from where the previous one was; the runs of the base between them are copied whole
      List<UUID> ids = new ArrayList<>(changed.size() + removed.size());
      ids.addAll(changed.keySet());
      ids.addAll(removed);
      ids.sort(null);
      List<Entry> out = new ArrayList<>(base.size() + changed.size());
      int from = 0;
      for (UUID id : ids) {
        int at = indexOf(id, from);
        int runEnd = at >= 0 ? at : -at - 1;
        out.addAll(base.subList(from, runEnd));
        Entry change = changed.get(id);
        if (change != null) out.add(change);
        from = at >= 0 ? at + 1 : runEnd;
      }
      out.addAll(base.subList(from, base.size()));
      return merged = Collections.unmodifiableList(out);
    }

    /** Where {@code id} is in the base at or after {@code from}, or {@code -(insertion point) - 1}. */
    private int indexOf(UUID id, int from) {
      int lo = from;
      int hi = base.size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = base.get(mid).id().compareTo(id);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid - 1;
        else return mid;
      }
      return -lo - 1;
    }
  }
}
