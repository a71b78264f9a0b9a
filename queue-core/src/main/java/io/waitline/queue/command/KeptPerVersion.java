package io.waitline.queue.command;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
  /** A value kept for a version; or, while {@code committing} is not complete, the one a committing transaction will keep. */
  private record Kept<T>(long version, T value, Future<T> committing) {}

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
    return k == null || k.version != version || k.committing != null || !fresh.test(k.value, moment) ? null : k.value;
  }

  /**
   * As {@link #at}, and when the transaction that committed {@code version} has not yet kept its value (its COMMIT
   * answered to the database before it did to this node, and the caller locked the queue in between), that value once
   * it has: so the next command of a busy queue does not read again what the last one carried.
   */
  Future<T> awaited(String queueId, long version, M moment) {
    Kept<T> k = kept.get(queueId);
    if (k == null || k.version != version) return Future.succeededFuture();
    if (k.committing == null) return Future.succeededFuture(fresh.test(k.value, moment) ? k.value : null);
    return k.committing.map(value -> value != null && fresh.test(value, moment) ? value : null);
  }

  /**
   * A transaction is about to commit the queue at {@code version}: until it settles the promise answered (with the
   * value it keeps, or null when it keeps none or did not commit), commands that lock that version wait for it. It
   * must be settled whatever happens.
   */
  Promise<T> committing(String queueId, long version) {
    Promise<T> settled = Promise.promise();
    kept.put(queueId, new Kept<>(version, null, settled.future()));
    return settled;
  }

  /** Keeps {@code value} as the queue's at {@code version}: read at it, or carried to it by a commit. */
  void keep(String queueId, long version, T value) {
    kept.put(queueId, new Kept<>(version, value, null));
  }

  void forget(String queueId) {
    kept.remove(queueId);
  }

  /** Whether a change of this type can be carried to the version it commits (see the subclass). */
  boolean keptBy(EventType type) {
    return keptBy.test(type);
  }
}
