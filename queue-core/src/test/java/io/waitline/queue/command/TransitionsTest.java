package io.waitline.queue.command;

import static io.waitline.queue.command.QueueWorld.assertHumanSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Future;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Lineup;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each desk and patient command against entries in every status: what it does, and what it refuses. */
class TransitionsTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);
  private static ServiceQueue elsewhere;

  @BeforeAll
  static void start() {
    elsewhere = world.queue("X");
  }

  /** An entry command, the status it leads to, and from which statuses it is allowed. */
  private record Move(String name, Function<UUID, Future<Entry>> run, Status to, Set<Status> allowedFrom) {}

  private static List<Move> moves() {
    QueueCommands c = world.commands;
    return List.of(
        new Move("recall", id -> c.recall(id, "desk"), Status.CALLED, EnumSet.of(Status.CALLED)),
        new Move("start", id -> c.startService(id, "doc"), Status.IN_SERVICE, from(Status.IN_SERVICE)),
        new Move("complete", id -> c.complete(id, "doc"), Status.COMPLETED, from(Status.COMPLETED)),
        new Move("no-show", id -> c.noShow(id, "desk"), Status.NO_SHOW, from(Status.NO_SHOW)),
        new Move("requeue", id -> c.requeue(id, "desk"), Status.WAITING,
            EnumSet.of(Status.CALLED, Status.IN_SERVICE, Status.NO_SHOW)),
        new Move("cancel", id -> c.cancel(id, "desk"), Status.CANCELLED, from(Status.CANCELLED)),
        new Move("leave", id -> c.leave(id, "patient"), Status.LEFT, from(Status.LEFT)),
        new Move("arrive", id -> c.arrive(id, "kiosk")
            .map(LinkedEntry::entry), Status.WAITING, EnumSet.of(Status.EXPECTED)),
        new Move("transfer", id -> c.transfer(id, elsewhere.id(), null, "desk")
            .map(LinkedEntry::entry), null, from(Status.TRANSFERRED)),
        new Move("running late", id -> c.runningLate(id, "patient"), null,
            EnumSet.of(Status.EXPECTED, Status.WAITING)));
  }

  private static Set<Status> from(Status target) {
    Set<Status> out = EnumSet.noneOf(Status.class);
    for (Status s : Status.values()) if (s.canMoveTo(target)) out.add(s);
    return out;
  }

  @ParameterizedTest
  @EnumSource(Status.class)
  void everyCommandFollowsTheStateMachineAndRefusesIllegalMovesWithASentenceChangingNothing(Status status) {
    for (Move move : moves()) {
      Entry before = world.entryIn(status, elsewhere);
      assertThat(before.status()).isEqualTo(status);
      long events = world.count("SELECT count(*) FROM queue_event");
      long transitions = world.count("SELECT count(*) FROM entry_transition");

      Throwable refusal = catchThrowable(() -> world.get(move.run().apply(before.id())));

      if (move.allowedFrom().contains(status)) {
        assertThat(refusal).as("%s from %s", move.name(), status).isNull();
        Entry after = world.entry(before);
        if (move.to() != null) assertThat(after.status()).as("%s from %s", move.name(), status).isEqualTo(move.to());
        // one event per queue changed: a transfer changes two queues
        long added = move.name().equals("transfer") ? 2 : 1;
        assertThat(world.count("SELECT count(*) FROM queue_event")).as("%s from %s", move.name(), status)
            .isEqualTo(events + added);
      } else {
        assertThat(refusal).as("%s from %s", move.name(), status).isInstanceOf(QueueException.Conflict.class);
        assertHumanSentence(refusal);
        assertThat(world.entry(before)).as("%s from %s", move.name(), status).isEqualTo(before);
        assertThat(world.count("SELECT count(*) FROM queue_event")).isEqualTo(events);
        assertThat(world.count("SELECT count(*) FROM entry_transition")).isEqualTo(transitions);
      }
    }
  }

  @Test
  void aRefusalNamesTheTicketAndWhatStandsInTheWay() {
    Entry done = world.entryIn(Status.COMPLETED, elsewhere);

    assertThatThrownBy(() -> world.get(world.commands.startService(done.id(), "doc")))
        .isInstanceOf(QueueException.Conflict.class)
        .hasMessage("Ticket " + done.ticket() + " has completed the visit and cannot be started.");
  }

  @Test
  void recallKeepsTheDeskAndRenewsTheCallTime() {
    Entry called = world.entryIn(Status.CALLED, elsewhere);
    world.clock.advance(Duration.ofMinutes(2));

    Entry recalled = world.get(world.commands.recall(called.id(), "desk"));

    assertThat(recalled.status()).isEqualTo(Status.CALLED);
    assertThat(recalled.calledTo()).isEqualTo("Room 1");
    assertThat(recalled.statusSince()).isEqualTo(called.statusSince().plus(Duration.ofMinutes(2)));
    assertThat(lastEvent(called.queueId()).type()).isEqualTo(EventType.RECALLED);
  }

  @Test
  void startAndCompleteKeepTheRoomWhileInServiceAndClearItAfter() {
    Entry called = world.entryIn(Status.CALLED, elsewhere);

    Entry seen = world.get(world.commands.startService(called.id(), "doc"));
    Entry done = world.get(world.commands.complete(called.id(), "doc"));

    assertThat(seen.status()).isEqualTo(Status.IN_SERVICE);
    assertThat(seen.calledTo()).isEqualTo("Room 1");
    assertThat(done.status()).isEqualTo(Status.COMPLETED);
    assertThat(world.entry(done).calledTo()).isNull();
  }

  @Test
  void callNextHandsOutTheFirstInLineAndRefusesAnEmptyQueue() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "First");
    Entry second = world.checkIn(q, "Second");

    assertThat(world.get(world.commands.callNext(q.id(), "Desk 1", "desk")).id()).isEqualTo(first.id());
    assertThat(world.get(world.commands.callNext(q.id(), "Desk 2", "desk")).id()).isEqualTo(second.id());
    Throwable empty = catchThrowable(() -> world.get(world.commands.callNext(q.id(), "Desk 1", "desk")));

    assertThat(empty).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("Nobody is waiting");
    assertHumanSentence(empty);
  }

  @Test
  void requeueAfterACallPutsThePatientBackAtTheirOriginalPlace() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "First");
    world.clock.advance(Duration.ofMinutes(1));
    world.checkIn(q, "Second");
    world.clock.advance(Duration.ofMinutes(1));
    world.checkIn(q, "Third");
    world.get(world.commands.callNext(q.id(), "Desk 1", "desk"));
    world.clock.advance(Duration.ofMinutes(5));

    Entry back = world.get(world.commands.requeue(first.id(), "desk"));

    assertThat(back.placeAt()).isEqualTo(first.placeAt());
    assertThat(back.calledTo()).isNull();
    assertThat(world.line(q)).containsExactly("A-001", "A-002", "A-003");
  }

  @Test
  void requeueAfterANoShowAlsoKeepsTheOriginalPlace() {
    ServiceQueue q = world.queue("A");
    Entry first = world.checkIn(q, "First");
    world.clock.advance(Duration.ofMinutes(1));
    world.checkIn(q, "Second");
    world.get(world.commands.callNext(q.id(), "Desk 1", "desk"));
    world.get(world.commands.noShow(first.id(), "desk"));
    assertThat(world.line(q)).containsExactly("A-002");

    world.get(world.commands.requeue(first.id(), "desk"));

    assertThat(world.line(q)).containsExactly("A-001", "A-002");
  }

  @Test
  void leavingOrBeingCancelledTakesThePatientOutOfTheLine() {
    ServiceQueue q = world.queue("A");
    Entry a = world.checkIn(q, "Ann");
    Entry b = world.checkIn(q, "Bob");
    world.checkIn(q, "Cid");

    world.get(world.commands.leave(a.id(), "patient"));
    world.get(world.commands.cancel(b.id(), "desk"));

    assertThat(world.line(q)).containsExactly("A-003");
    assertThat(world.snapshot(q).entries()).extracting(Entry::ticket).containsExactly("A-003");
    assertThat(world.events(q)).extracting(ev -> ev.type().wire()).endsWith("left", "cancelled");
  }

  @Test
  void runningLateFlagsThePatientOnceWithoutMovingThem() {
    ServiceQueue q = world.queue("A");
    Entry a = world.checkIn(q, "Ann");
    world.checkIn(q, "Bob");
    long seq = world.snapshot(q).seq();

    Entry late = world.get(world.commands.runningLate(a.id(), "patient"));
    Entry again = world.get(world.commands.runningLate(a.id(), "patient"));

    assertThat(late.runningLate()).isTrue();
    assertThat(again.runningLate()).isTrue();
    assertThat(world.entry(a).runningLate()).isTrue();
    assertThat(world.line(q)).containsExactly("A-001", "A-002");
    // the second report changed nothing, so it appended nothing
    assertThat(world.snapshot(q).seq()).isEqualTo(seq + 1);
    assertThat(lastEvent(q.id()).type()).isEqualTo(EventType.RUNNING_LATE);
  }

  @Test
  void undoRevertsTheLastChangeWithOneEvent() {
    Entry called = world.entryIn(Status.CALLED, elsewhere);
    Entry noShow = world.get(world.commands.noShow(called.id(), "desk"));
    assertThat(noShow.status()).isEqualTo(Status.NO_SHOW);
    long seq = world.get(world.commands.queue(called.queueId())).version();

    Entry undone = world.get(world.commands.undo(called.id(), "desk"));

    assertThat(undone.status()).isEqualTo(Status.CALLED);
    assertThat(undone.calledTo()).isEqualTo("Room 1");
    assertThat(world.entry(called)).extracting(Entry::status, Entry::calledTo)
        .containsExactly(Status.CALLED, "Room 1");
    assertThat(world.get(world.commands.eventsAfter(called.queueId(), seq, 10)))
        .extracting(ev -> ev.type().wire()).containsExactly("undone");
  }

  @Test
  void undoOfACompletionReopensTheService() {
    Entry done = world.entryIn(Status.COMPLETED, elsewhere);

    Entry reopened = world.get(world.commands.undo(done.id(), "doc"));

    assertThat(reopened.status()).isEqualTo(Status.IN_SERVICE);
    assertThat(reopened.calledTo()).isEqualTo("Room 1");
    assertThat(world.get(world.commands.complete(done.id(), "doc")).status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void undoOfACallPutsThePatientBackFirstInLine() {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann");
    world.checkIn(q, "Bob");
    Entry called = world.get(world.commands.callNext(q.id(), "Desk 1", "desk"));

    world.get(world.commands.undo(called.id(), "desk"));

    assertThat(world.line(q)).containsExactly("A-001", "A-002");
  }

  @Test
  void undoingTwiceInARowIsRefused() {
    Entry called = world.entryIn(Status.CALLED, elsewhere);
    world.get(world.commands.noShow(called.id(), "desk"));
    world.get(world.commands.undo(called.id(), "desk"));
    long events = world.count("SELECT count(*) FROM queue_event WHERE queue_id = $1", called.queueId());

    Throwable second = catchThrowable(() -> world.get(world.commands.undo(called.id(), "desk")));

    assertThat(second).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("already an undo");
    assertHumanSentence(second);
    assertThat(world.entry(called).status()).isEqualTo(Status.CALLED);
    assertThat(world.count("SELECT count(*) FROM queue_event WHERE queue_id = $1", called.queueId()))
        .isEqualTo(events);
  }

  @Test
  void undoIsRefusedWhenThereIsNothingToUndo() {
    Entry fresh = world.entryIn(Status.WAITING, elsewhere);

    Throwable refusal = catchThrowable(() -> world.get(world.commands.undo(fresh.id(), "desk")));

    assertThat(refusal).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("nothing to undo");
    assertHumanSentence(refusal);
    assertThat(world.entry(fresh)).isEqualTo(fresh);
  }

  @Test
  void aTransferCannotBeUndoneFromEitherSide() {
    ServiceQueue target = world.queue("T");
    Entry old = world.entryIn(Status.WAITING, elsewhere);
    Entry moved = world.get(world.commands.transfer(old.id(), target.id(), null, "desk")).entry();

    Throwable fromOld = catchThrowable(() -> world.get(world.commands.undo(old.id(), "desk")));
    Throwable fromNew = catchThrowable(() -> world.get(world.commands.undo(moved.id(), "desk")));

    assertThat(fromOld).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("transfer");
    assertHumanSentence(fromOld);
    assertThat(fromNew).isInstanceOf(QueueException.Conflict.class);
    assertThat(world.entry(old).status()).isEqualTo(Status.TRANSFERRED);
    assertThat(world.entry(moved).status()).isEqualTo(Status.WAITING);
  }

  @Test
  void aPausedQueueRefusesCallsUntilResumedButStillTakesCheckIns() {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann");

    world.get(world.commands.pause(q.id(), true, "manager"));
    Throwable whilePaused = catchThrowable(() -> world.get(world.commands.callNext(q.id(), "Desk 1", "desk")));
    Throwable pausedTwice = catchThrowable(() -> world.get(world.commands.pause(q.id(), true, "manager")));
    Entry arrivedWhilePaused = world.checkIn(q, "Bob");

    assertThat(whilePaused).isInstanceOf(QueueException.Conflict.class).hasMessageContaining("paused");
    assertHumanSentence(whilePaused);
    assertThat(pausedTwice).isInstanceOf(QueueException.Conflict.class);
    assertThat(arrivedWhilePaused.ticket()).isEqualTo("A-002");
    assertThat(world.snapshot(q).queue().paused()).isTrue();

    world.get(world.commands.pause(q.id(), false, "manager"));

    assertThat(world.get(world.commands.callNext(q.id(), "Desk 1", "desk")).ticket()).isEqualTo("A-001");
    assertThat(catchThrowable(() -> world.get(world.commands.pause(q.id(), false, "manager"))))
        .isInstanceOf(QueueException.Conflict.class);
    assertThat(world.events(q)).extracting(ev -> ev.type().wire())
        .containsExactly("checked_in", "paused", "checked_in", "resumed", "called");
  }

  @Test
  void staffOnDutyChangesTheEstimatesAndNoStaffMeansNoEstimate() {
    ServiceQueue q = world.queue("A");
    for (String name : List.of("Ann", "Bob", "Cid", "Dee")) world.checkIn(q, name);
    assertThat(estimateOfLast(q).p50Minutes()).isEqualTo(40);

    world.get(world.commands.setStaffOnDuty(q.id(), 2, "manager"));
    assertThat(estimateOfLast(q).p50Minutes()).isEqualTo(20);
    assertThat(world.snapshot(q).queue().staffOnDuty()).isEqualTo(2);

    world.get(world.commands.setStaffOnDuty(q.id(), 0, "manager"));
    assertThat(world.snapshot(q).lineup().places()).extracting(Lineup.Place::estimate).containsOnlyNulls();
    assertThat(world.events(q)).extracting(ev -> ev.type().wire()).endsWith("staff_changed", "staff_changed");
  }

  @Test
  void anImpossibleStaffCountIsInvalid() {
    ServiceQueue q = world.queue("A");

    assertThatThrownBy(() -> world.get(world.commands.setStaffOnDuty(q.id(), -1, "manager")))
        .isInstanceOf(QueueException.Invalid.class);
    assertThat(world.snapshot(q).queue().staffOnDuty()).isEqualTo(1);
  }

  @Test
  void commandsOnUnknownEntriesOrQueuesAreNotFound() {
    UUID nobody = UUID.randomUUID();

    assertThatThrownBy(() -> world.get(world.commands.recall(nobody, "desk")))
        .isInstanceOf(QueueException.NotFound.class);
    assertThatThrownBy(() -> world.get(world.commands.undo(nobody, "desk")))
        .isInstanceOf(QueueException.NotFound.class);
    assertThatThrownBy(() -> world.get(world.commands.callNext("no-such-queue", "Desk 1", "desk")))
        .isInstanceOf(QueueException.NotFound.class);
    assertThatThrownBy(() -> world.get(world.commands.checkIn("no-such-queue",
        new CheckIn(QueueWorld.patient("Ann"), null, null, null), "desk")))
        .isInstanceOf(QueueException.NotFound.class);
  }

  private static WaitEstimate estimateOfLast(ServiceQueue q) {
    List<Lineup.Place> places = world.snapshot(q).lineup().places();
    return places.get(places.size() - 1).estimate();
  }

  private static QueueEvent lastEvent(String queueId) {
    List<QueueEvent> all = world.get(world.commands.eventsAfter(queueId, 0, 1000));
    return all.get(all.size() - 1);
  }
}
