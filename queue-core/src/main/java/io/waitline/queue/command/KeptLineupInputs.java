package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.event.EventType;
import io.waitline.queue.store.QueueStore;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each queue's lineup needs of its day ({@link QueueStore#lineupInputs}: the waiting and expected patients and
 * the latest at the desks), kept between commands so that a check-in or a call does not read it again. As with
 * {@link RecentHistories}, it is kept for one version of its queue and one local day: any change to the queue, by this
 * node or another, moves the version, and a command that finds another version (or a new day) reads it again. Only
 * commands whose changes this node can apply exactly to what was read (see {@link #keptBy}) carry it to the version
 * they commit; every other change makes the queue's next command read it.
 */
final class KeptLineupInputs {
  private record Kept(long version, LocalDate day, List<Entry> entries) {}

  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** The inputs kept for the queue at {@code version} on {@code day}, or null when they have to be read. */
  List<Entry> at(String queueId, long version, LocalDate day) {
    Kept k = kept.get(queueId);
    return k == null || k.version != version || !k.day.equals(day) ? null : k.entries;
  }

  /** Keeps the inputs among {@code live} (read at, or carried to, {@code version}) as the queue's. */
  void keep(String queueId, long version, LocalDate day, Collection<Entry> live) {
    kept.put(queueId, new Kept(version, day, List.copyOf(QueueStore.lineupInputsAmong(live))));
  }

  void forget(String queueId) {
    kept.remove(queueId);
  }

  /**
   * Whether a command's change of this type can be applied to the kept inputs without reading them: a walk-in or an
   * arrival joins today's line, a call moves a waiting patient to a desk. Every other change may move entries between
   * days or queues, or end them, and is read again after.
   */
  static boolean keptBy(EventType type) {
    return type == EventType.CHECKED_IN || type == EventType.CALLED;
  }
}
