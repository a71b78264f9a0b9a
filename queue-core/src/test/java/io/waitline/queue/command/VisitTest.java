package io.waitline.queue.command;

import static io.waitline.queue.command.QueueWorld.assertHumanSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.WaitEstimate;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a patient's link shows, and when it stops working. */
class VisitTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @BeforeEach
  void nineOClock() {
    world.clock.set(QueueWorld.START);
  }

  private static String tokenOf(Entry e) {
    return world.get(world.commands.visitToken(e.id()));
  }

  @Test
  void aWaitingPatientSeesTheirOwnPositionAndEstimate() {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann");
    world.checkIn(q, "Bob");
    Entry cid = world.checkIn(q, "Cid Cox");

    VisitView view = world.get(world.commands.visit(tokenOf(cid)));

    assertThat(view.entry().id()).isEqualTo(cid.id());
    assertThat(view.site().id()).isEqualTo(QueueWorld.SITE);
    assertThat(view.queue().id()).isEqualTo(q.id());
    assertThat(view.place().position()).isEqualTo(3);
    // three default services of 10 ± 5 minutes, one member of staff: P90 = 1800 s + 1.2816 · √3 · 300 s ≈ 41.1 min
    assertThat(view.place().estimate()).isEqualTo(new WaitEstimate(30, 42, false));
    // shown from as far below P50 as P90 is above it: 30 − 12 = 18, down to 15
    assertThat(view.place().estimate().displayRange()).isEqualTo("15–45 min");
  }

  @Test
  void thePositionMovesUpAsOthersAreCalled() {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann");
    Entry bob = world.checkIn(q, "Bob");
    String token = tokenOf(bob);
    assertThat(world.get(world.commands.visit(token)).place().position()).isEqualTo(2);

    world.get(world.commands.callNext(q.id(), "Room 1", "desk"));

    assertThat(world.get(world.commands.visit(token)).place().position()).isEqualTo(1);
  }

  @Test
  void aCalledPatientSeesWhereToGoAndNoLongerHasAPlaceInLine() {
    ServiceQueue q = world.queue("A");
    Entry ann = world.checkIn(q, "Ann");
    world.get(world.commands.callNext(q.id(), "Room 7", "desk"));

    VisitView view = world.get(world.commands.visit(tokenOf(ann)));

    assertThat(view.entry().status()).isEqualTo(Status.CALLED);
    assertThat(view.entry().calledTo()).isEqualTo("Room 7");
    assertThat(view.place()).isNull();
  }

  @Test
  void withNoStaffOnDutyThePatientSeesTheirPlaceButNoEstimate() {
    ServiceQueue q = world.queue(QueueWorld.SITE, "A", QueueWorld.KEEP_PLACE, 0);
    Entry ann = world.checkIn(q, "Ann");

    VisitView view = world.get(world.commands.visit(tokenOf(ann)));

    assertThat(view.place().position()).isEqualTo(1);
    assertThat(view.place().estimate()).isNull();
  }

  @Test
  void anUnknownTokenIsNotFound() {
    Throwable refusal = catchThrowable(() -> world.get(world.commands.visit("not-a-real-token")));

    assertThat(refusal).isInstanceOf(QueueException.NotFound.class);
    assertHumanSentence(refusal);
  }

  @Test
  void tokensAreUnguessableAndDifferPerVisit() {
    ServiceQueue q = world.queue("A");
    String a = tokenOf(world.checkIn(q, "Ann"));
    String b = tokenOf(world.checkIn(q, "Bob"));

    assertThat(a).isNotEqualTo(b).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void anEndedVisitIsGone() {
    ServiceQueue q = world.queue("A");
    QueueCommands c = world.commands;
    for (Function<Entry, io.vertx.core.Future<Entry>> end : java.util.List.<Function<Entry,
        io.vertx.core.Future<Entry>>>of(
        e -> c.leave(e.id(), "patient"),
        e -> c.cancel(e.id(), "desk"),
        e -> c.callNext(q.id(), "Room 1", "desk").compose(x -> c.startService(x.id(), "doc"))
            .compose(x -> c.complete(x.id(), "doc")))) {
      Entry e = world.checkIn(q, "Pat");
      String token = tokenOf(e);
      world.get(end.apply(e));

      Throwable refusal = catchThrowable(() -> world.get(c.visit(token)));

      assertThat(refusal).isInstanceOf(QueueException.Gone.class);
      assertHumanSentence(refusal);
    }
  }

  @Test
  void aLinkExpiresWhenItsDayIsOver() {
    ServiceQueue q = world.queue("A");
    Entry ann = world.checkIn(q, "Ann");
    String token = tokenOf(ann);
    assertThat(world.get(world.commands.visit(token)).entry().id()).isEqualTo(ann.id());

    world.clock.advance(Duration.ofDays(1));

    assertThat(catchThrowable(() -> world.get(world.commands.visit(token))))
        .isInstanceOf(QueueException.Gone.class);
  }

  @Test
  void anExpectedPatientsLinkWorksOnTheAppointmentDayBeforeArrival() {
    ServiceQueue q = world.queue("A");
    Entry eve = world.expect(q, "Eve", world.clock.instant().plus(Duration.ofHours(2)), "appt-visit");

    VisitView view = world.get(world.commands.visit(tokenOf(eve)));

    assertThat(view.entry().status()).isEqualTo(Status.EXPECTED);
    assertThat(view.place()).isNull();
  }
}
