package io.waitline.queue.command;

import io.waitline.queue.event.EventType;
import io.waitline.queue.store.QueueStore.RecentHistory;
import java.time.Duration;
import java.time.Instant;

/**
 * Each queue's recent history (its services and the patients who left: what the wait estimator learns from), kept
 * per queue version so that a command reads it from the database only when it may have changed. Its time windows (the
 * last day, the last 14 days) move with the clock, so a history stands in for a new read at most {@link #FRESH_FOR}
 * after it was read.
 */
final class RecentHistories extends KeptPerVersion<RecentHistories.Read, Instant> {
  /** How long a history read once serves later commands of an unchanged queue. */
  static final Duration FRESH_FOR = Duration.ofHours(1);

  /** A history as read at {@code readAt}. */
  record Read(Instant readAt, RecentHistory history) {}

  RecentHistories() {
    super((read, now) -> !now.isBefore(read.readAt()) && now.isBefore(read.readAt().plus(FRESH_FOR)),
        RecentHistories::unchangedBy);
  }

  /**
   * Whether an event of this type leaves its queue's history as it was: it adds patients, moves patients who were
   * never called (an arrival, a new appointment time) or changes what the history does not read (running late, the
   * queue's settings). Every other change (a call, a service, a departure, an undo…) may change the services or the
   * calls they are timed by.
   */
  private static boolean unchangedBy(EventType type) {
    return switch (type) {
      case EXPECTED, CHECKED_IN, TRANSFERRED_IN, RUNNING_LATE, PAUSED, RESUMED, STAFF_CHANGED, REORDERED,
          ROTA_CHANGED -> true;
      case CALLED, RECALLED, SERVICE_STARTED, COMPLETED, NO_SHOW, REQUEUED, TRANSFERRED_OUT, LEFT, CANCELLED,
          UNDONE -> false;
    };
  }
}
