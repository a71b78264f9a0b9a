package io.waitline.queue.command;

import static io.waitline.queue.command.QueueWorld.assertHumanSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.waitline.queue.Entry;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.event.QueueEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Appointments announced ahead, arrivals, and how appointment times order the line. */
class AppointmentsTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @BeforeEach
  void nineOClock() {
    world.clock.set(QueueWorld.START);
  }

  @Test
  void anExpectedPatientHasNoTicketUntilTheyArriveAndThenGetsTheNextOne() {
    ServiceQueue q = world.queue("A");
    Instant appointment = world.clock.instant().plus(Duration.ofMinutes(30));
    Entry expected = world.expect(q, "Eve Early", appointment, "appt-1");
    world.checkIn(q, "Walter Walkin");
    world.clock.advance(Duration.ofMinutes(20));

    Entry arrived = world.get(world.commands.arrive(expected.id(), "kiosk")).entry();

    assertThat(expected.ticket()).isNull();
    assertThat(expected.status()).isEqualTo(Status.EXPECTED);
    assertThat(arrived.ticket()).isEqualTo("A-002");
    assertThat(arrived.status()).isEqualTo(Status.WAITING);
    assertThat(arrived.placeAt()).isEqualTo(world.clock.instant());
    assertThat(arrived.appointmentAt()).isEqualTo(appointment);
    assertThat(world.events(q)).extracting(ev -> ev.type().wire()).containsExactly("expected", "checked_in", "checked_in");
    assertThat(world.line(q)).containsExactly("A-001", "A-002");
  }

  @Test
  void expectedPatientsAreNotInTheLine() {
    ServiceQueue q = world.queue("A");
    world.expect(q, "Eve", world.clock.instant().plus(Duration.ofMinutes(5)), "appt-2");

    assertThat(world.line(q)).isEmpty();
    assertThat(world.snapshot(q).entries()).extracting(Entry::status).containsExactly(Status.EXPECTED);
    assertThat(catchThrowable(() -> world.get(world.commands.callNext(q.id(), "Desk", "desk"))))
        .isInstanceOf(QueueException.Conflict.class);
  }

  @Test
  void arrivingTwiceIsRefused() {
    ServiceQueue q = world.queue("A");
    Entry expected = world.expect(q, "Eve", world.clock.instant(), "appt-3");
    world.get(world.commands.arrive(expected.id(), "kiosk")).entry();

    Throwable again = catchThrowable(() -> world.get(world.commands.arrive(expected.id(), "kiosk")));

    assertThat(again).isInstanceOf(QueueException.Conflict.class);
    assertHumanSentence(again);
    assertThat(world.count("SELECT count(*) FROM entry WHERE queue_id = $1 AND ticket IS NOT NULL", q.id()))
        .isEqualTo(1);
  }

  @Test
  void aDuplicateAppointmentRefIsAConflictAndLeavesNoTrace() {
    ServiceQueue q = world.queue("A");
    ServiceQueue other = world.queue("B");
    Instant at = world.clock.instant().plus(Duration.ofHours(1));
    world.expect(q, "Eve", at, "appt-dup");
    long events = world.events(q).size();

    Throwable expectedTwice = catchThrowable(() -> world.expect(q, "Eve", at, "appt-dup"));
    Throwable checkedInWithSameRef = catchThrowable(() -> world.get(world.commands.checkIn(q.id(),
        new CheckIn(QueueWorld.patient("Eve"), null, at, "appt-dup"), "kiosk")));

    assertThat(expectedTwice).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("appt-dup");
    assertHumanSentence(expectedTwice);
    assertThat(checkedInWithSameRef).isInstanceOf(QueueException.Conflict.class);
    assertThat(world.events(q)).hasSize((int) events);
    assertThat(world.count("SELECT count(*) FROM entry WHERE queue_id = $1", q.id())).isEqualTo(1);
    // the refused check-in gave back its ticket number
    assertThat(world.checkIn(q, "Next").ticket()).isEqualTo("A-001");
    // refs are unique per queue, not across queues
    assertThat(world.expect(other, "Eve", at, "appt-dup").queueId()).isEqualTo(other.id());
  }

  @Test
  void anExpectationWithoutAppointmentTimeIsInvalid() {
    ServiceQueue q = world.queue("A");

    assertThatThrownBy(() -> world.get(world.commands.expect(q.id(),
        new CheckIn(QueueWorld.patient("Eve"), Priority.NORMAL, null, "appt-x"), "pms")))
        .isInstanceOf(QueueException.Invalid.class);
  }

  @Test
  void aPatientArrivingWithinGraceIsServedByAppointmentTimeAndALateOneByArrival() {
    ServiceQueue q = world.queue("A"); // grace 10 min
    Instant nine30 = world.clock.instant().plus(Duration.ofMinutes(30));
    Entry onTime = world.expect(q, "Olga OnTime", nine30, "appt-on-time");
    Entry late = world.expect(q, "Larry Late", nine30, "appt-late");

    world.clock.set(nine30.plus(Duration.ofMinutes(3)));
    world.checkIn(q, "Walk-in one"); // A-001 at 09:33
    world.clock.set(nine30.plus(Duration.ofMinutes(8)));
    world.get(world.commands.arrive(onTime.id(), "kiosk")); // A-002 at 09:38: 8 min late, due 09:30
    world.clock.set(nine30.plus(Duration.ofMinutes(9)));
    world.checkIn(q, "Walk-in two"); // A-003 at 09:39
    world.clock.set(nine30.plus(Duration.ofMinutes(11)));
    world.get(world.commands.arrive(late.id(), "kiosk")); // A-004 at 09:41: 11 min late, due 09:41

    assertThat(world.line(q)).containsExactly("A-002", "A-001", "A-003", "A-004");
  }

  @Test
  void anExpectedPatientMarkedNoShowWhoTurnsUpGetsATicket() {
    ServiceQueue q = world.queue("A");
    Entry expected = world.expect(q, "Nina", world.clock.instant(), "appt-ns");
    world.get(world.commands.noShow(expected.id(), "desk"));
    world.clock.advance(Duration.ofMinutes(40));

    Entry arrived = world.get(world.commands.arrive(expected.id(), "desk")).entry();

    assertThat(arrived.status()).isEqualTo(Status.WAITING);
    assertThat(arrived.ticket()).isEqualTo("A-001");
    assertThat(world.line(q)).containsExactly("A-001");
  }

  @Test
  void nobodyWaitsWithoutATicket() {
    ServiceQueue q = world.queue("A");
    Instant at = world.clock.instant();
    Entry expected = world.expect(q, "Pat", at, "appt-nt-1");
    Entry noShow = world.expect(q, "Sam", at, "appt-nt-2");
    world.get(world.commands.noShow(noShow.id(), "desk"));

    // "put back in line" is for patients who had checked in; these two never did
    Throwable requeueExpected = catchThrowable(() -> world.get(world.commands.requeue(expected.id(), "desk")));
    Throwable requeueNoShow = catchThrowable(() -> world.get(world.commands.requeue(noShow.id(), "desk")));

    assertThat(requeueExpected).isInstanceOf(QueueException.Conflict.class);
    assertHumanSentence(requeueExpected);
    assertThat(requeueNoShow).isInstanceOf(QueueException.Conflict.class);
    assertHumanSentence(requeueNoShow);
    assertThat(world.count("SELECT count(*) FROM entry WHERE status = 'waiting' AND ticket IS NULL")).isZero();
  }

  @Test
  void anExpectedPatientArrivingOnAnotherDayGetsATicketAndLinkOfThatDayAndBlocksNobodyLater() {
    ServiceQueue q = world.queue("A");
    Instant tomorrow = world.clock.instant().plus(Duration.ofDays(1));
    Entry expected = world.expect(q, "Wrong Day", tomorrow, "appt-tomorrow");

    // the patient comes a day early and is checked in today
    Entry arrived = world.get(world.commands.arrive(expected.id(), "desk")).entry();
    String token = world.get(world.commands.visitToken(arrived.id()));

    assertThat(arrived.ticket()).isEqualTo("A-001");
    assertThat(world.get(world.commands.visit(token)).entry().ticket()).isEqualTo("A-001");
    assertThat(world.get(world.commands.today(QueueWorld.SITE, "Wrong Day"))).extracting(Entry::id)
        .containsExactly(arrived.id());

    // tomorrow's first walk-in gets tomorrow's A-001 without colliding with today's
    world.clock.advance(Duration.ofDays(1));
    assertThat(world.checkIn(q, "Tomorrow's first").ticket()).isEqualTo("A-001");
  }
}
