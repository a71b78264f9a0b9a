package io.waitline.queue.command;

import io.waitline.queue.event.EventType;
import io.waitline.queue.store.QueueStore.RecentHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each queue's recent history (its services and the patients who left: what the wait estimator learns from), kept
 * between commands so that a command reads it from the database only when it may have changed. A history is kept for
 * one version of its queue: any change to the queue, by this node or another, moves the version, and a command that
 * finds another version reads the history again. Commands whose changes cannot alter it (see {@link #keptBy}) carry it
 * to the version they commit. Its time windows (the last day, the last 14 days) move with the clock, so a history
 * stands in for a new read at most {@link #FRESH_FOR} after it was read.
 */
final class RecentHistories {
  /** How long a history read once serves later commands of an unchanged queue. */
  static final Duration FRESH_FOR = Duration.ofHours(1);

  /** A history as read at {@code readAt}. */
  record Read(Instant readAt, RecentHistory history) {}

  private record Kept(long version, Read read) {}

  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  /** The history kept for the queue at {@code version}, or null when it has to be read. */
  Read at(String queueId, long version, Instant now) {
    Kept k = kept.get(queueId);
    if (k == null || k.version != version) return null;
    Instant readAt = k.read.readAt();
    return now.isBefore(readAt) || !now.isBefore(readAt.plus(FRESH_FOR)) ? null : k.read;
  }

  /** Keeps {@code read} as the queue's history at {@code version}: read at it, or carried to it by a commit. */
  void keep(String queueId, long version, Read read) {
    kept.put(queueId, new Kept(version, read));
  }

  void forget(String queueId) {
    kept.remove(queueId);
  }

  /**
   * Whether an event of this type leaves its queue's history as it was: it adds patients, moves patients who were
   * never called (an arrival, a new appointment time) or changes what the history does not read (running late, the
   * queue's settings). Every other change (a call, a service, a departure, an undo…) may change the services or the
   * calls they are timed by.
   */
  static boolean keptBy(EventType type) {
    return switch (type) {
      case EXPECTED, CHECKED_IN, TRANSFERRED_IN, RUNNING_LATE, PAUSED, RESUMED, STAFF_CHANGED, REORDERED,
          ROTA_CHANGED -> true;
      case CALLED, RECALLED, SERVICE_STARTED, COMPLETED, NO_SHOW, REQUEUED, TRANSFERRED_OUT, LEFT, CANCELLED,
          UNDONE -> false;
    };
  }
}
