package io.waitline.queue.command;

import io.waitline.queue.event.EventType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * One value per queue that commands keep between transactions instead of reading it again, kept for one version of
 * its queue: any change to the queue, by this node or another, moves the version, and a command that finds another
 * version reads the value again. Commands whose changes leave the value as it was, or that apply their changes to it
 * (see {@link #keptBy}), carry it to the version they commit. What else makes a kept value stale is the {@code fresh}
 * test, asked with the moment of the command that wants it ({@code M}: its day, its clock…).
 */
class KeptPerVersion<T, M> {
  private record Kept<T>(long version, T value) {}

  private final Map<String, Kept<T>> kept = new ConcurrentHashMap<>();
  private final BiPredicate<T, M> fresh;
  private final Predicate<EventType> keptBy;

  /**
   * @param fresh whether a value kept for the queue's version still stands for a read at a moment
   * @param keptBy whether a change of an event type leaves the value as a new read would give it (or is applied to it)
   */
  KeptPerVersion(BiPredicate<T, M> fresh, Predicate<EventType> keptBy) {
    this.fresh = fresh;
    this.keptBy = keptBy;
  }

  /** The value kept for the queue at {@code version} that still stands at {@code moment}, or null to read it. */
  T at(String queueId, long version, M moment) {
    Kept<T> k = kept.get(queueId);
    return k == null || k.version != version || !fresh.test(k.value, moment) ? null : k.value;
  }

  /** Keeps {@code value} as the queue's at {@code version}: read at it, or carried to it by a commit. */
  void keep(String queueId, long version, T value) {
    kept.put(queueId, new Kept<>(version, value));
  }

  void forget(String queueId) {
    kept.remove(queueId);
  }

  /** Whether a change of this type can be carried to the version it commits (see the subclass). */
  boolean keptBy(EventType type) {
    return keptBy.test(type);
  }
}
