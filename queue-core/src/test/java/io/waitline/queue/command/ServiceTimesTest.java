package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Entry;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueDay;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceStats;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import io.waitline.queue.store.QueueStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Completed services, timed by a test clock, become the history that wait estimates are based on. */
class ServiceTimesTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @BeforeEach
  void nineOClock() {
    world.clock.set(QueueWorld.START);
  }

  /** An urgent patient (so called ahead of anyone waiting) served for exactly {@code minutes}. */
  private static Entry serve(ServiceQueue q, int minutes) {
    Entry e = world.checkIn(q, "Served patient", Priority.URGENT);
    Entry called = world.get(world.commands.callNext(q.id(), "Room 1", "desk"));
    assertThat(called.id()).isEqualTo(e.id());
    world.get(world.commands.startService(e.id(), "doc"));
    world.clock.advance(Duration.ofMinutes(minutes));
    world.get(world.commands.complete(e.id(), "doc"));
    world.clock.advance(Duration.ofMinutes(1));
    return e;
  }

  private static WaitEstimate estimateOf(Entry e) {
    return world.snapshot(world.get(world.commands.queue(e.queueId()))).lineup().placeOf(e.id()).estimate();
  }

  @Test
  void aCompletedServiceRecordsHowLongItTook() {
    ServiceQueue q = world.queue("A");

    Entry e = serve(q, 7);

    assertThat(world.count("SELECT service_seconds FROM entry WHERE id = $1", e.id())).isEqualTo(7 * 60);
  }

  @Test
  void aPatientTransferredOutOfServiceRecordsTheServiceTimeAndItCountsAsAServiceOfThatQueue() {
    ServiceQueue triage = world.queue("A");
    ServiceQueue treatment = world.queue("B");
    Entry e = world.checkIn(triage, "Trina Triage", Priority.URGENT);
    world.get(world.commands.callNext(triage.id(), "Triage desk", "nurse"));
    world.clock.advance(Duration.ofMinutes(1));
    world.get(world.commands.startService(e.id(), "nurse"));
    world.clock.advance(Duration.ofMinutes(6));

    world.get(world.commands.transfer(e.id(), treatment.id(), null, "nurse"));

    assertThat(world.count("SELECT service_seconds FROM entry WHERE id = $1", e.id())).isEqualTo(6 * 60);
    List<QueueDay.Served> served = world.get(new QueueStore().recentServices(world.pool, triage.id(),
        world.clock.instant())).served();
    assertThat(served).singleElement().satisfies(s -> {
      assertThat(s.serviceSeconds()).isEqualTo(6 * 60);
      assertThat(s.desk()).isEqualTo("Triage desk");
      assertThat(s.arrival().priority()).isEqualTo(Priority.URGENT);
    });
  }

  @Test
  void aDeskThatCallsTheNextPatientRightAfterAServiceGivesThatServiceItsDeskTime() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "First Patient");
    Entry second = world.checkIn(q, "Second Patient");
    world.get(world.commands.callNext(q.id(), "Room 1", "doc"));
    world.clock.advance(Duration.ofMinutes(1));
    world.get(world.commands.startService(first.id(), "doc"));
    world.clock.advance(Duration.ofMinutes(8));
    world.get(world.commands.complete(first.id(), "doc"));
    world.clock.advance(Duration.ofMinutes(2));
    Entry called = world.get(world.commands.callNext(q.id(), "Room 1", "doc"));

    assertThat(called.id()).isEqualTo(second.id());
    List<QueueDay.Served> served = world.get(new QueueStore().recentServices(world.pool, q.id(),
        world.clock.instant())).served();
    // call to the desk's next call: 1 minute to the room, 8 of service, 2 of turnover
    assertThat(served).singleElement().satisfies(s -> {
      assertThat(s.serviceSeconds()).isEqualTo(8 * 60);
      assertThat(s.deskSeconds()).isEqualTo(11 * 60);
    });
  }

  @Test
  void patientsWhoLeftTheLineAreReadWithTheServicesForTheRateAtWhichPeopleLeave() {
    ServiceQueue q = world.queue("A");
    Entry gone = world.checkIn(q, "Gone Gina");
    world.clock.advance(Duration.ofMinutes(25));
    world.get(world.commands.leave(gone.id(), "patient"));
    serve(q, 5);

    QueueStore.RecentHistory recent = world.get(new QueueStore().recentServices(world.pool, q.id(),
        world.clock.instant()));

    assertThat(recent.served()).hasSize(1);
    assertThat(recent.left()).singleElement().satisfies(l ->
        assertThat(Duration.between(l.placeAt(), l.leftAt())).isEqualTo(Duration.ofMinutes(25)));
  }

  @Test
  void estimatesUseTheDefaultUntilMinSamplesServicesAreDoneThenTheRecordedTimes() {
    ServiceQueue q = world.queue("A"); // default 10 minutes
    for (int i = 1; i < ServiceStats.MIN_SAMPLES; i++) serve(q, 4);
    Entry waiting = world.checkIn(q, "Wanda Waiting");

    assertThat(estimateOf(waiting)).isEqualTo(new WaitEstimate(10, 17, false));

    serve(q, 4);

    // five services of exactly 4 minutes: no spread, so P50 = P90 = 4 minutes
    assertThat(estimateOf(waiting)).isEqualTo(new WaitEstimate(4, 4, true));
    QueueEventPayload.Place lastLineup = lastEvent(q).payload().lineup().get(0);
    assertThat(lastLineup.entryId()).isEqualTo(waiting.id());
    assertThat(lastLineup.estimate().basedOnHistory()).isTrue();
    assertThat(lastLineup.estimate().p50Minutes()).isEqualTo(4);
  }

  @Test
  void estimatesReflectTheMeanAndSpreadOfRecordedServiceTimes() {
    ServiceQueue q = world.queue("A");
    for (int minutes : List.of(3, 4, 5, 6, 7)) serve(q, minutes);
    Entry first = world.checkIn(q, "First");
    Entry second = world.checkIn(q, "Second");

    // mean 300 s, sample deviation √9000 ≈ 94.9 s
    // first:  P50 5 min, P90 = 300 + 1.2816 · 94.9 ≈ 421.6 s → 8 min
    // second: P50 10 min, P90 = 600 + 1.2816 · √2 · 94.9 ≈ 771.9 s → 13 min
    assertThat(estimateOf(first)).isEqualTo(new WaitEstimate(5, 8, true));
    assertThat(estimateOf(second)).isEqualTo(new WaitEstimate(10, 13, true));
  }

  @Test
  void fasterServicesShortenTheEstimateOfSomeoneAlreadyWaiting() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < ServiceStats.MIN_SAMPLES; i++) serve(q, 20);
    Entry waiting = world.checkIn(q, "Wanda Waiting");
    int before = estimateOf(waiting).p50Minutes();

    for (int i = 0; i < 20; i++) serve(q, 2);

    assertThat(before).isEqualTo(20);
    assertThat(estimateOf(waiting).p50Minutes()).isLessThan(before);
  }

  @Test
  void historyOlderThanTwoWeeksIsForgotten() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < ServiceStats.MIN_SAMPLES; i++) serve(q, 4);

    world.clock.advance(Duration.ofDays(15));
    Entry waiting = world.checkIn(q, "Much later");

    assertThat(estimateOf(waiting)).isEqualTo(new WaitEstimate(10, 17, false));
  }

  @Test
  void moreStaffOnDutyShortenTheHistoryBasedEstimate() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < ServiceStats.MIN_SAMPLES; i++) serve(q, 6);
    world.checkIn(q, "One");
    world.checkIn(q, "Two");
    Entry third = world.checkIn(q, "Three");
    assertThat(estimateOf(third).p50Minutes()).isEqualTo(18);

    world.get(world.commands.setStaffOnDuty(q.id(), 3, "manager"));

    assertThat(estimateOf(third)).isEqualTo(new WaitEstimate(6, 6, true));
  }

  private static QueueEvent lastEvent(ServiceQueue q) {
    List<QueueEvent> all = world.events(q);
    return all.get(all.size() - 1);
  }
}
