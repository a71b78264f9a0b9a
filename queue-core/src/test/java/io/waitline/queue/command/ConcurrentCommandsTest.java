package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many desks and patients at once, on a pool with several real connections. */
class ConcurrentCommandsTest {
  private static final int DESKS = 6;
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(DESKS + 2);

  @Test
  void callNextFromSixDesksHandsEachWaitingEntryToExactlyOneDesk() {
    ServiceQueue q = world.queue("A");
    List<Entry> waiting = new ArrayList<>();
    for (int i = 0; i < 50; i++) waiting.add(world.checkIn(q, "Patient " + i));

    // 6 desks call 10 times each, all at once: 50 succeed, 10 find nobody waiting
    List<Future<Entry>> calls = new ArrayList<>();
    for (int round = 0; round < 10; round++) {
      for (int desk = 1; desk <= DESKS; desk++) calls.add(world.commands.callNext(q.id(), "Desk " + desk, "desk"));
    }
    settle(calls);

    List<Entry> called = calls.stream().filter(Future::succeeded).map(Future::result).toList();
    List<Throwable> refused = calls.stream().filter(Future::failed).map(Future::cause).toList();
    assertThat(called).extracting(Entry::id).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(waiting.stream().map(Entry::id).toList());
    assertThat(refused).hasSize(10).allSatisfy(t -> assertThat(t).isInstanceOf(QueueException.Conflict.class));
    assertThat(world.count("SELECT count(*) FROM entry WHERE queue_id = $1 AND status = 'called'", q.id()))
        .isEqualTo(50);
    // the desk each entry was handed to is the one stored
    for (Entry e : called) assertThat(world.entry(e).calledTo()).isEqualTo(e.calledTo());
    assertGapFree(q, 100);
  }

  @Test
  void aHundredSimultaneousCheckInsGetUniqueContiguousTickets() {
    ServiceQueue q = world.queue("A");

    List<Future<Entry>> checkIns = IntStream.range(0, 100)
        .mapToObj(i -> world.commands.checkIn(q.id(), new CheckIn(QueueWorld.patient("P " + i), null, null, null),
            "kiosk").map(LinkedEntry::entry))
        .toList();
    settle(checkIns);

    assertThat(checkIns).allSatisfy(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
    List<String> expected = IntStream.rangeClosed(1, 100).mapToObj(n -> String.format("A-%03d", n)).toList();
    assertThat(checkIns).extracting(f -> f.result().ticket()).containsExactlyInAnyOrderElementsOf(expected);
    // all arrived at the same instant of the test clock, so the line is in ticket order
    assertThat(world.line(q)).containsExactlyElementsOf(expected);
    assertGapFree(q, 100);
  }

  @Test
  void ticketsPastTheNineHundredNinetyNinthOfADayKeepEveryDigit() {
    ServiceQueue q = world.queue("K");
    ServiceQueue other = world.queue("L");
    Entry first = world.checkIn(q, "First");
    Entry moved = world.checkIn(other, "Moved");
    world.get(world.pool.preparedQuery("UPDATE ticket_counter SET last = 998 WHERE queue_id = $1")
        .execute(Tuple.of(q.id())));

    Entry checkedIn = world.checkIn(q, "Checked in");
    LinkedEntry transferred = world.get(world.commands.transfer(moved.id(), q.id(), null, "desk"));
    Entry after = world.checkIn(q, "After");

    assertThat(first.ticket()).isEqualTo("K-001");
    assertThat(List.of(checkedIn.ticket(), transferred.entry().ticket(), after.ticket()))
        .containsExactly("K-999", "K-1000", "K-1001");
  }

  @Test
  void simultaneousCheckInsOnATickingClockLineUpInTicketOrder() {
    // every reading of this clock is 1 ms later: arrival times differ, so the line follows them, not the tickets
    try (QueueWorld ticking = QueueWorld.start(DESKS + 2, new TestClock(QueueWorld.START, Duration.ofMillis(1)))) {
      ServiceQueue q = ticking.queue("T");

      List<Future<Entry>> checkIns = IntStream.range(0, 60)
          .mapToObj(i -> ticking.commands.checkIn(q.id(), new CheckIn(QueueWorld.patient("T " + i), null, null, null),
              "kiosk").map(LinkedEntry::entry))
          .toList();
      settle(checkIns);

      assertThat(checkIns).allSatisfy(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
      // the arrival time is taken once the queue is locked, in the same order as the tickets: A-042 is never
      // called after A-043
      List<String> line = ticking.line(q);
      assertThat(line).hasSize(60).isSortedAccordingTo(java.util.Comparator.naturalOrder());
    }
  }

  @Test
  void mixedConcurrentCommandsOnTwoQueuesKeepEachQueuesSeqGapFreeWithOneEventPerChange() {
    ServiceQueue a = world.queue("A");
    ServiceQueue b = world.queue("B");
    List<Entry> inA = new ArrayList<>();
    List<Entry> inB = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inA.add(world.checkIn(a, "A patient " + i));
      inB.add(world.checkIn(b, "B patient " + i));
    }

    // check-ins, calls and transfers in both directions (locks taken in opposite orders), all at once
    List<Future<Entry>> checkInsA = new ArrayList<>();
    List<Future<Entry>> checkInsB = new ArrayList<>();
    List<Future<Entry>> callsA = new ArrayList<>();
    List<Future<Entry>> callsB = new ArrayList<>();
    List<Future<Entry>> aToB = new ArrayList<>();
    List<Future<Entry>> bToA = new ArrayList<>();
    List<Future<Entry>> late = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      checkInsA.add(world.commands.checkIn(a.id(), new CheckIn(QueueWorld.patient("New A " + i), null, null, null), "k")
          .map(LinkedEntry::entry));
      checkInsB.add(world.commands.checkIn(b.id(), new CheckIn(QueueWorld.patient("New B " + i), null, null, null), "k")
          .map(LinkedEntry::entry));
      callsA.add(world.commands.callNext(a.id(), "Desk A" + i, "d"));
      callsB.add(world.commands.callNext(b.id(), "Desk B" + i, "d"));
      aToB.add(world.commands.transfer(inA.get(11 - i).id(), b.id(), null, "d").map(LinkedEntry::entry));
      bToA.add(world.commands.transfer(inB.get(11 - i).id(), a.id(), Priority.HIGH, "d").map(LinkedEntry::entry));
      late.add(world.commands.runningLate(inA.get(i).id(), "patient"));
    }
    List<Future<Entry>> all = new ArrayList<>();
    for (List<Future<Entry>> l : List.of(checkInsA, checkInsB, callsA, callsB, aToB, bToA, late)) all.addAll(l);
    settle(all);

    // the only refusals allowed are conflicts (an entry called or transferred by a concurrent command)
    assertThat(all).filteredOn(Future::failed)
        .allSatisfy(f -> assertThat(f.cause()).isInstanceOf(QueueException.Conflict.class));
    long transfersOut = ok(aToB);
    long transfersIn = ok(bToA);
    assertThat(checkInsA).allMatch(Future::succeeded);
    assertThat(checkInsB).allMatch(Future::succeeded);
    long changesOfA = 12 + 10 + ok(callsA) + transfersOut + transfersIn + ok(late);
    long changesOfB = 12 + 10 + ok(callsB) + transfersOut + transfersIn;
    assertGapFree(a, changesOfA);
    assertGapFree(b, changesOfB);
    assertThat(transfersOut + transfersIn).as("some transfers went through").isPositive();
    // every successful transfer left one transferred entry and one entry pointing back at it
    assertThat(world.count("SELECT count(*) FROM entry WHERE status = 'transferred' AND queue_id IN ($1, $2)",
        a.id(), b.id())).isEqualTo(transfersOut + transfersIn);
    assertThat(world.count("SELECT count(*) FROM entry WHERE transferred_from IS NOT NULL AND queue_id IN ($1, $2)",
        a.id(), b.id())).isEqualTo(transfersOut + transfersIn);
    // a transferred-in entry is waiting with the target's prefix
    for (Future<Entry> f : aToB) {
      if (f.succeeded()) assertThat(f.result().ticket()).startsWith("B-");
    }
    for (Future<Entry> f : bToA) {
      if (f.succeeded()) {
        assertThat(f.result().ticket()).startsWith("A-");
        assertThat(f.result().priority()).isEqualTo(Priority.HIGH);
      }
    }
  }

  /** Seqs of the stored log are exactly 1..n, the queue's version is n, and what was published is the same set. */
  private static void assertGapFree(ServiceQueue q, long n) {
    List<QueueEvent> stored = world.events(q);
    assertThat(stored).extracting(QueueEvent::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed()
        .toList());
    assertThat(world.snapshot(q).seq()).isEqualTo(n);
    List<QueueEvent> published = world.published(q);
    assertThat(published).extracting(QueueEvent::seq).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(stored.stream().map(QueueEvent::seq).toList());
    Map<Long, EventType> storedTypes = stored.stream().collect(Collectors.toMap(QueueEvent::seq, QueueEvent::type));
    assertThat(published).allSatisfy(ev -> assertThat(ev.type()).isEqualTo(storedTypes.get(ev.seq())));
  }

  private static long ok(List<Future<Entry>> futures) {
    return futures.stream().filter(Future::succeeded).count();
  }

  /** Waits until every future has completed, successfully or not. */
  private static void settle(List<? extends Future<?>> futures) {
    world.get(Future.join(futures).otherwiseEmpty());
    assertThat(futures).allMatch(Future::isComplete);
  }
}
