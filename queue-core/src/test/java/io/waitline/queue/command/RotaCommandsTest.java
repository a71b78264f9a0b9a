package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import io.waitline.queue.Rota;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.SimulatedWaitEstimator;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.store.QueueStore;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A queue's rota is stored, replaced whole under the queue's lock, and planned with by the estimates. */
class RotaCommandsTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);
  /** The commands as the server runs them, with the estimator that plans with a rota. */
  private static QueueCommands commands;

  @BeforeAll
  static void simulatingEstimator() {
    commands = new QueueCommands(world.pool, new QueueStore(), world.published::add, new SimulatedWaitEstimator(),
        world.clock);
  }

  @BeforeEach
  void nineOClockOnAFriday() {
    world.clock.set(QueueWorld.START);
  }

  private static Rota.Shift shift(DayOfWeek day, String desk, String from, String to) {
    return new Rota.Shift(day, desk, LocalTime.parse(from), LocalTime.parse(to));
  }

  private static WaitEstimate estimateOf(Entry e) {
    return world.get(commands.snapshot(e.queueId())).lineup().placeOf(e.id()).estimate();
  }

  @Test
  void aQueueWithoutARotaHasAnEmptyOne() {
    ServiceQueue q = world.queue("A");

    assertThat(world.get(commands.rota(q.id())).shifts()).isEmpty();
  }

  @Test
  void aRotaReplacesTheOneBeforeAndReadsBackAsSaved() {
    ServiceQueue q = world.queue("A");
    world.get(commands.setRota(q.id(), new Rota(List.of(shift(DayOfWeek.MONDAY, "Room 9", "08:00", "18:00"))),
        "manager"));
    Rota rota = new Rota(List.of(shift(DayOfWeek.FRIDAY, "Room 1", "13:00", "17:00"),
        shift(DayOfWeek.FRIDAY, "Room 1", "08:00", "12:00"), shift(DayOfWeek.TUESDAY, "Room 2", "07:30", "11:45")));

    world.get(commands.setRota(q.id(), rota, "manager"));

    assertThat(world.get(commands.rota(q.id()))).isEqualTo(rota);
    assertThat(world.count("SELECT count(*) FROM queue_rota_shift WHERE queue_id = $1", q.id())).isEqualTo(3);
  }

  @Test
  void aDeskDueLaterTodayPutsTheEstimateAfterItsShiftStartsAndTheChangeIsAnnouncedWithIt() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "Fiona First");
    int before = estimateOf(first).p50Minutes();
    assertThat(before).isLessThan(30); // the one desk recorded as on duty is free now

    // 09:00 in Paris now; the only desk of the rota starts at 10:30
    world.get(commands.setRota(q.id(), new Rota(List.of(shift(DayOfWeek.FRIDAY, "Room 1", "10:30", "17:00"))),
        "manager"));

    assertThat(estimateOf(first).p50Minutes()).isBetween(90, 95);
    QueueEvent announced = world.published(q).get(world.published(q).size() - 1);
    assertThat(announced.type()).isEqualTo(EventType.ROTA_CHANGED);
    assertThat(announced.payload().entry()).isNull();
    assertThat(announced.payload().placeOf(first.id()).estimate().p50Minutes()).isBetween(90, 95);
    assertThat(announced.seq()).isEqualTo(world.get(commands.queue(q.id())).version());
  }

  @Test
  void aRotaWithNoShiftTodayLeavesTheEstimatesToTheStaffRecorded() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "Fiona First");
    WaitEstimate withoutRota = estimateOf(first);

    world.get(commands.setRota(q.id(), new Rota(List.of(shift(DayOfWeek.MONDAY, "Room 1", "10:30", "17:00"))),
        "manager"));

    assertThat(estimateOf(first)).isEqualTo(withoutRota);
  }

  @Test
  void theRotaOfAQueueThatDoesNotExistIsNotFound() {
    assertThatThrownBy(() -> world.get(commands.rota("no-such-queue"))).isInstanceOf(QueueException.NotFound.class);
    assertThatThrownBy(() -> world.get(commands.setRota("no-such-queue", Rota.NONE, "manager")))
        .isInstanceOf(QueueException.NotFound.class);
  }
}
