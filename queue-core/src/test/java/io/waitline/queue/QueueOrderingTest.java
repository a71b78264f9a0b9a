package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static io.waitline.queue.Entries.entry;
import static io.waitline.queue.Entries.minutesAgo;
import static io.waitline.queue.Entries.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class QueueOrderingTest {
  private static final OrderingRule RULE =
      new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(90), TransferPolicy.KEEP_PLACE);

  /** A queue's entries (all statuses) and its rule. */
  record Scenario(List<Entry> entries, OrderingRule rule) {}

  private record Shape(Status status, Priority priority, int placeMinutesAgo, Integer appointmentOffsetMinutes) {}

  @Provide
  Arbitrary<Scenario> queues() {
    Arbitrary<OrderingRule> rules = Combinators.combine(
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(15, 180),
            Arbitraries.of(TransferPolicy.class))
        .as((grace, maxWait, policy) ->
            new OrderingRule(Duration.ofMinutes(grace), Duration.ofMinutes(maxWait), policy));
    // coarse times so that equal due and place times (ties) are common
    Arbitrary<Shape> shapes = Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Status.WAITING)), Tuple.of(2, Arbitraries.of(Status.class))),
            Arbitraries.of(Priority.class),
            Arbitraries.integers().between(0, 48).map(x -> x * 5),
            Arbitraries.integers().between(-12, 12).map(x -> x * 5).injectNull(0.5))
        .as(Shape::new);
    return Combinators.combine(shapes.list().ofMaxSize(40), rules).as((list, rule) -> {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Shape s = list.get(i);
        Instant place = minutesAgo(s.placeMinutesAgo());
        // the offset is appointment time relative to arrival: positive means the patient came early
        Instant appointment = s.appointmentOffsetMinutes() == null ? null
            : place.plus(Duration.ofMinutes(s.appointmentOffsetMinutes()));
        entries.add(entry(i + 1, s.status(), s.priority(), place, appointment));
      }
      return new Scenario(List.copyOf(entries), rule);
    });
  }

  @Property
  void resultIsAPermutationOfTheWaitingEntriesOnly(@ForAll("queues") Scenario s) {
    List<Entry> ordered = QueueOrdering.order(s.entries(), s.rule(), NOW);

    List<Entry> waiting = s.entries().stream().filter(e -> e.status() == Status.WAITING).toList();
    assertThat(ordered).containsExactlyInAnyOrderElementsOf(waiting);
    assertThat(ordered).doesNotHaveDuplicates();
  }

  @Property
  void orderDoesNotDependOnTheOrderOfTheInput(@ForAll("queues") Scenario s, @ForAll Random random) {
    List<Entry> shuffled = new ArrayList<>(s.entries());
    Collections.shuffle(shuffled, random);

    assertThat(QueueOrdering.order(shuffled, s.rule(), NOW))
        .containsExactlyElementsOf(QueueOrdering.order(s.entries(), s.rule(), NOW));
  }

  @Property
  void urgentEntriesAlwaysComeBeforeNonUrgentOnes(@ForAll("queues") Scenario s) {
    List<Entry> ordered = QueueOrdering.order(s.entries(), s.rule(), NOW);

    int lastUrgent = -1;
    int firstNonUrgent = ordered.size();
    for (int i = 0; i < ordered.size(); i++) {
      if (ordered.get(i).priority() == Priority.URGENT) lastUrgent = i;
      else firstNonUrgent = Math.min(firstNonUrgent, i);
    }
    assertThat(lastUrgent).isLessThan(firstNonUrgent);
  }

  @Property
  void anEntryWaitingLongerThanMaxWaitIsAheadOfEveryNonUrgentEntryThatIsNotOverdue(
      @ForAll("queues") Scenario s) {
    List<Entry> ordered = QueueOrdering.order(s.entries(), s.rule(), NOW);

    for (int i = 0; i < ordered.size(); i++) {
      for (int j = 0; j < i; j++) {
        Entry ahead = ordered.get(j);
        Entry behind = ordered.get(i);
        boolean behindIsOverdue = behind.priority() != Priority.URGENT && overdue(behind, s.rule());
        boolean aheadIsPlainNonUrgent = ahead.priority() != Priority.URGENT && !overdue(ahead, s.rule());
        assertThat(behindIsOverdue && aheadIsPlainNonUrgent)
            .as("%s (overdue) is behind %s (not overdue)", behind.ticket(), ahead.ticket())
            .isFalse();
      }
    }
  }

  @Property
  void withinOneServiceClassEntriesAreOrderedByDueTimeThenPlaceTimeThenTicket(@ForAll("queues") Scenario s) {
    List<Entry> ordered = QueueOrdering.order(s.entries(), s.rule(), NOW);

    for (int i = 1; i < ordered.size(); i++) {
      Entry a = ordered.get(i - 1);
      Entry b = ordered.get(i);
      if (serviceClass(a, s.rule()) != serviceClass(b, s.rule())) {
        assertThat(serviceClass(a, s.rule())).isLessThan(serviceClass(b, s.rule()));
        continue;
      }
      Instant dueA = due(a, s.rule());
      Instant dueB = due(b, s.rule());
      assertThat(dueA).isBeforeOrEqualTo(dueB);
      if (dueA.equals(dueB)) {
        assertThat(a.placeAt()).isBeforeOrEqualTo(b.placeAt());
        if (a.placeAt().equals(b.placeAt())) assertThat(a.ticket()).isLessThan(b.ticket());
      }
    }
  }

  @Property
  void orderingTheOrderedLineAgainChangesNothing(@ForAll("queues") Scenario s) {
    List<Entry> once = QueueOrdering.order(s.entries(), s.rule(), NOW);

    assertThat(QueueOrdering.order(once, s.rule(), NOW)).containsExactlyElementsOf(once);
  }

  @Example
  void onlyWaitingEntriesAreOrdered() {
    List<Entry> entries = new ArrayList<>();
    int n = 1;
    for (Status status : Status.values()) entries.add(entry(n++, status, Priority.NORMAL, minutesAgo(n), null));

    assertThat(QueueOrdering.order(entries, RULE, NOW)).extracting(Entry::status).containsExactly(Status.WAITING);
  }

  @Example
  void anEmptyQueueOrdersToAnEmptyLine() {
    assertThat(QueueOrdering.order(List.of(), RULE, NOW)).isEmpty();
  }

  @Example
  void urgentGoesFirstThenHighThenNormalRegardlessOfArrival() {
    Entry normal = waiting(1, Priority.NORMAL, minutesAgo(60));
    Entry high = waiting(2, Priority.HIGH, minutesAgo(30));
    Entry urgent = waiting(3, Priority.URGENT, minutesAgo(1));

    assertThat(QueueOrdering.order(List.of(normal, high, urgent), RULE, NOW)).containsExactly(urgent, high, normal);
  }

  @Example
  void aNormalPatientWaitingPastMaxWaitGoesAheadOfHighPriorityButNotOfUrgent() {
    Entry overdue = waiting(1, Priority.NORMAL, minutesAgo(91));
    Entry high = waiting(2, Priority.HIGH, minutesAgo(5));
    Entry urgent = waiting(3, Priority.URGENT, minutesAgo(1));

    assertThat(QueueOrdering.order(List.of(high, urgent, overdue), RULE, NOW)).containsExactly(urgent, overdue, high);
  }

  @Example
  void waitingExactlyTheMaximumWaitIsNotYetAPromotion() {
    Entry exactlyMax = waiting(1, Priority.NORMAL, minutesAgo(90));
    Entry high = waiting(2, Priority.HIGH, minutesAgo(5));

    assertThat(QueueOrdering.order(List.of(exactlyMax, high), RULE, NOW)).containsExactly(high, exactlyMax);
  }

  @Example
  void anAppointmentPatientArrivingEarlyIsOrderedByAppointmentTimeNotByArrival() {
    // arrived 40 minutes ago for an appointment in 10 minutes; the walk-in arrived 20 minutes ago
    Entry early = entry(1, Status.WAITING, Priority.NORMAL, minutesAgo(40), NOW.plusSeconds(600));
    Entry walkIn = waiting(2, minutesAgo(20));

    assertThat(QueueOrdering.order(List.of(early, walkIn), RULE, NOW)).containsExactly(walkIn, early);
  }

  @Example
  void anAppointmentPatientArrivingWithinGraceGoesAheadOfWalkInsWhoArrivedEarlier() {
    // appointment 30 minutes ago, arrived 8 minutes late (grace 10); walk-in arrived 25 minutes ago
    Entry onTime = entry(1, Status.WAITING, Priority.NORMAL, minutesAgo(22), minutesAgo(30));
    Entry walkIn = waiting(2, minutesAgo(25));

    assertThat(QueueOrdering.order(List.of(walkIn, onTime), RULE, NOW)).containsExactly(onTime, walkIn);
  }

  @Example
  void arrivingExactlyAtTheEndOfTheGraceWindowStillCountsAsOnTime() {
    Entry onTime = entry(1, Status.WAITING, Priority.NORMAL, minutesAgo(20), minutesAgo(30));
    Entry walkIn = waiting(2, minutesAgo(25));

    assertThat(QueueOrdering.order(List.of(walkIn, onTime), RULE, NOW)).containsExactly(onTime, walkIn);
  }

  @Example
  void anAppointmentPatientArrivingAfterGraceIsOrderedByArrival() {
    // appointment 30 minutes ago, arrived 11 minutes late: ordered by arrival (19 minutes ago)
    Entry late = entry(1, Status.WAITING, Priority.NORMAL, minutesAgo(19), minutesAgo(30));
    Entry walkInBefore = waiting(2, minutesAgo(25));
    Entry walkInAfter = waiting(3, minutesAgo(15));

    assertThat(QueueOrdering.order(List.of(walkInAfter, late, walkInBefore), RULE, NOW))
        .containsExactly(walkInBefore, late, walkInAfter);
  }

  @Example
  void anEarlyAppointmentPatientIsPromotedAfterTheMaximumWaitFromTheAppointmentNotFromArrival() {
    // the case at 10:51: arrived 09:20 for 11:00; an urgent walk-in and a 10:30 appointment who came on time
    Instant at1051 = Instant.parse("2026-11-20T10:51:00Z");
    Entry early = entry(1, Status.WAITING, Priority.NORMAL, Instant.parse("2026-11-20T09:20:00Z"),
        Instant.parse("2026-11-20T11:00:00Z"));
    Entry urgent = waiting(2, Priority.URGENT, Instant.parse("2026-11-20T10:45:00Z"));
    Entry at1030 = entry(3, Status.WAITING, Priority.NORMAL, Instant.parse("2026-11-20T10:25:00Z"),
        Instant.parse("2026-11-20T10:30:00Z"));

    assertThat(QueueOrdering.order(List.of(early, urgent, at1030), RULE, at1051))
        .containsExactly(urgent, at1030, early);
  }

  @Example
  void anAppointmentPatientWaitingPastTheMaximumWaitFromTheirSlotIsPromoted() {
    // appointment 95 minutes ago, arrived on time; a high-priority walk-in came 5 minutes ago
    Entry overdue = entry(1, Status.WAITING, Priority.NORMAL, minutesAgo(100), minutesAgo(95));
    Entry high = waiting(2, Priority.HIGH, minutesAgo(5));

    assertThat(QueueOrdering.order(List.of(high, overdue), RULE, NOW)).containsExactly(overdue, high);
  }

  @Example
  void tiesOnDueAndPlaceTimeBreakOnTicketThenId() {
    Instant same = minutesAgo(10);
    Entry b = waiting(2, same);
    Entry a = waiting(1, same);
    Entry sameTicketLowerId = new Entry(new java.util.UUID(0, 0), "q", "A-002", a.patient(), Priority.NORMAL, null,
        null, same, Status.WAITING, same, null, false, null);

    assertThat(QueueOrdering.order(List.of(b, a), RULE, NOW)).containsExactly(a, b);
    assertThat(QueueOrdering.order(List.of(b, sameTicketLowerId, a), RULE, NOW))
        .containsExactly(a, sameTicketLowerId, b);
  }

  @Example
  void runningLateDoesNotChangeThePosition() {
    Entry first = waiting(1, minutesAgo(30));
    Entry second = waiting(2, minutesAgo(20));
    Entry firstLate = new Entry(first.id(), "q", first.ticket(), first.patient(), first.priority(), null, null,
        first.placeAt(), Status.WAITING, first.statusSince(), null, true, null);

    assertThat(QueueOrdering.order(List.of(second, firstLate), RULE, NOW)).containsExactly(firstLate, second);
  }

  private static boolean overdue(Entry e, OrderingRule rule) {
    return Duration.between(due(e, rule), NOW).compareTo(rule.maxWait()) > 0;
  }

  private static int serviceClass(Entry e, OrderingRule rule) {
    if (e.priority() == Priority.URGENT) return 0;
    if (overdue(e, rule)) return 1;
    return e.priority() == Priority.HIGH ? 2 : 3;
  }

  private static Instant due(Entry e, OrderingRule rule) {
    Instant appointment = e.appointmentAt();
    boolean onTime = appointment != null && e.placeAt().compareTo(appointment.plus(rule.appointmentGrace())) <= 0;
    return onTime ? appointment : e.placeAt();
  }
}
