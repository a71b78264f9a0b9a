package io.waitline.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The one function that orders a queue. Positions everywhere are derived from it.
 *
 * <p>Order by: urgent first; then anyone who has waited past the rule's maximum wait, counted from their due time;
 * then high, then normal priority. Within a class, by due time: the appointment time for a patient who arrived no
 * later than the grace window after it, otherwise the time they took their place. Ties break on place time, then
 * ticket. A patient who comes early for an appointment has not been waiting before their slot, so is not promoted
 * ahead of others for the time spent early.
 */
public final class QueueOrdering {
  private QueueOrdering() {}

  /** Returns the waiting entries of {@code entries} in service order; other statuses are left out. */
  public static List<Entry> order(List<Entry> entries, OrderingRule rule, Instant now) {
    Comparator<Entry> byClass = Comparator.comparingInt(e -> serviceClass(e, rule, now));
    Comparator<Entry> order = byClass
        .thenComparing(e -> dueAt(e, rule))
        .thenComparing(Entry::placeAt)
        .thenComparing(Entry::ticket)
        .thenComparing(Entry::id);
    return entries.stream().filter(e -> e.status() == Status.WAITING).sorted(order).toList();
  }

  /** 0 urgent, 1 promoted after the maximum wait, 2 high, 3 normal. */
  static int serviceClass(Entry e, OrderingRule rule, Instant now) {
    if (e.priority() == Priority.URGENT) return 0;
    if (isPromoted(dueAt(e, rule), rule, now)) return 1;
    return e.priority() == Priority.HIGH ? 2 : 3;
  }

  static Instant dueAt(Entry e, OrderingRule rule) {
    return dueAt(e.appointmentAt(), e.placeAt(), rule);
  }

  /** The due time of a patient with {@code appointment} (or null) who took their place at {@code placeAt}. */
  static Instant dueAt(Instant appointment, Instant placeAt, OrderingRule rule) {
    if (appointment != null && !placeAt.isAfter(appointment.plus(rule.appointmentGrace()))) return appointment;
    return placeAt;
  }

  /** Whether a non-urgent patient due at {@code dueAt} has waited past the maximum wait at {@code now}. */
  static boolean isPromoted(Instant dueAt, OrderingRule rule, Instant now) {
    return Duration.between(dueAt, now).compareTo(rule.maxWait()) > 0;
  }
}
