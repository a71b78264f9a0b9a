package io.waitline.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a live server knows about one queue at one moment, the input of wait estimates.
 *
 * @param waiting the waiting entries in service order ({@link QueueOrdering})
 * @param busy desks now calling or serving someone, and since when
 * @param staffOnDuty what the desk recorded
 * @param rota planned shifts (breaks split a shift); empty when the queue has no rota
 * @param served recent completed services, newest first (earlier days included)
 * @param expected announced appointments that have not arrived yet
 * @param arrivals recent check-ins (walk-ins and arrived appointments), for the arrival rate
 * @param left patients who gave up waiting today, for the rate at which people leave the line
 */
public record QueueDay(
    Instant now,
    OrderingRule rule,
    boolean paused,
    int staffOnDuty,
    int defaultServiceSeconds,
    List<Entry> waiting,
    List<Busy> busy,
    List<Shift> rota,
    List<Served> served,
    List<Entry> expected,
    List<Arrival> arrivals,
    List<Left> left) {

  public QueueDay {
    waiting = List.copyOf(waiting);
    busy = List.copyOf(busy);
    rota = List.copyOf(rota);
    served = List.copyOf(served);
    expected = List.copyOf(expected);
    arrivals = List.copyOf(arrivals);
    left = List.copyOf(left);
    if (defaultServiceSeconds <= 0) throw new IllegalArgumentException("default service time must be positive");
  }

  /** A desk busy with a called patient, or, when {@code inService}, serving one since {@code since}. */
  public record Busy(String desk, Instant since, boolean inService) {}

  /** A desk planned to serve this queue from {@code from} until {@code to}. */
  public record Shift(String desk, Instant from, Instant to) {
    public Shift {
      if (desk == null || desk.isBlank()) throw new IllegalArgumentException("a shift needs a desk");
      if (!to.isAfter(from)) throw new IllegalArgumentException("a shift must end after it starts");
    }
  }

  /**
   * One completed service.
   *
   * @param serviceSeconds service start to completion
   * @param deskSeconds the patient's call to the same desk's next call, when that desk went straight on to the next
   *     patient (walking to the room and turnover included); null otherwise
   * @param desk the desk that served, when known
   * @param arrival the patient's check-in in this queue, null for a transfer in
   */
  public record Served(Instant completedAt, int serviceSeconds, Integer deskSeconds, String desk, Arrival arrival) {}

  /** A check-in: when, with which priority, and whether it was a walk-in (no appointment). */
  public record Arrival(Instant at, Priority priority, boolean walkIn, Instant appointmentAt) {}

  /**
   * A patient who waited from {@code placeAt} and left the line at {@code leftAt}; {@code walkIn} when they came
   * without an appointment.
   */
  public record Left(Instant placeAt, Instant leftAt, boolean walkIn) {}

  /** The order {@link #of} takes the entries in. */
  public static final Comparator<Entry> ID_ORDER = Comparator.comparing(Entry::id);

  /**
   * Builds the moment from a queue's live entries (any status), its recent services and those who left, as a server
   * reads them. The entries are taken in id order, whatever order they come in: an estimator may draw per expected
   * patient in the order given, so the same entries give the same estimates whether read, kept or replayed.
   */
  public static QueueDay of(List<Entry> given, ServiceQueue queue, List<Served> served, List<Left> left,
      List<Shift> rota, Instant now) {
    Parts parts = Parts.of(given);
    return of(parts.expected(), parts.present(), queue, served, left, rota, now);
  }

  /**
   * Entries in the two parts {@link #of(List, List, ServiceQueue, List, List, List, Instant)} takes: those with status
   * {@link Status#EXPECTED} and all the others, each in {@link #ID_ORDER}; unmodifiable.
   */
  public record Parts(List<Entry> expected, List<Entry> present) {
    /** {@code entries} (any status, any order) split and sorted. */
    public static Parts of(List<Entry> entries) {
      List<Entry> expected = new ArrayList<>();
      List<Entry> present = new ArrayList<>();
      for (Entry e : entries) (e.status() == Status.EXPECTED ? expected : present).add(e);
      expected.sort(ID_ORDER);
      present.sort(ID_ORDER);
      return new Parts(Collections.unmodifiableList(expected), Collections.unmodifiableList(present));
    }
  }

  /**
   * As {@link #of(List, ServiceQueue, List, List, List, Instant)}, for entries the caller keeps split and sorted (a
   * command's kept inputs): {@code expected} holds the entries with status {@link Status#EXPECTED} and {@code present}
   * all the others, each in {@link #ID_ORDER}. Neither is checked, so that a day of many appointments costs no pass
   * over them here.
   */
  public static QueueDay of(List<Entry> expected, List<Entry> present, ServiceQueue queue, List<Served> served,
      List<Left> left, List<Shift> rota, Instant now) {
    // a desk is busy with its latest patient: one it called earlier and never completed is no longer with it
    Map<String, Busy> busyByDesk = new HashMap<>();
    List<Arrival> arrivals = new ArrayList<>();
    for (Served s : served) if (s.arrival() != null) arrivals.add(s.arrival());
    for (Entry e : present) {
      if (e.status() == Status.CALLED || e.status() == Status.IN_SERVICE) {
        busyByDesk.merge(String.valueOf(e.calledTo()), new Busy(e.calledTo(), e.statusSince(),
            e.status() == Status.IN_SERVICE), (a, b) -> a.since().isAfter(b.since()) ? a : b);
      }
      if (e.ticket() != null && e.transferredFrom() == null) {
        arrivals.add(new Arrival(e.placeAt(), e.priority(), e.appointmentAt() == null, e.appointmentAt()));
      }
    }
    return new QueueDay(now, queue.rule(), queue.paused(), queue.staffOnDuty(), queue.defaultServiceSeconds(),
        QueueOrdering.order(present, queue.rule(), now), busyByDesk.values().stream()
            .sorted(Comparator.comparing(Busy::since).thenComparing(b -> String.valueOf(b.desk()))).toList(), rota,
        served, expected, arrivals, left);
  }
}
