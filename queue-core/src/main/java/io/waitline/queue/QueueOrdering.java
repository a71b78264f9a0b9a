package io.waitline.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The one function that orders a queue. Positions everywhere are derived from it.
 *
 * <p>Order by: urgent first; then anyone who has waited past the rule's maximum wait; then high, then normal
 * priority. Within a class, by due time: the appointment time for a patient who arrived no later than the grace
 * window after it, otherwise the time they took their place. Ties break on place time, then ticket.
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
    if (Duration.between(e.placeAt(), now).compareTo(rule.maxWait()) > 0) return 1;
    return e.priority() == Priority.HIGH ? 2 : 3;
  }

  static Instant dueAt(Entry e, OrderingRule rule) {
    Instant appointment = e.appointmentAt();
    if (appointment != null && !e.placeAt().isAfter(appointment.plus(rule.appointmentGrace()))) {
      return appointment;
    }
    return e.placeAt();
  }
}
