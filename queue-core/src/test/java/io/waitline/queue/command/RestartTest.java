package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Entry;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.event.QueueEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Everything lives in PostgreSQL: a new process on the same database sees exactly the same queues. */
class RestartTest {
  private static QueueWorld world;

  @BeforeAll
  static void start() {
    world = QueueWorld.start(4, new TestClock(QueueWorld.START));
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @Test
  void afterARestartSnapshotsEventsTicketsAndLinksAreExactlyAsBefore() {
    ServiceQueue lab = world.queue("A");
    ServiceQueue xray = world.queue("X");
    QueueCommands c = world.commands;
    List<Entry> entries = new ArrayList<>();
    for (String name : List.of("Ann", "Bob", "Cid", "Dee", "Eli", "Fay", "Gus")) {
      entries.add(world.checkIn(lab, name));
      world.clock.advance(Duration.ofMinutes(2));
    }
    Entry ann = world.get(c.callNext(lab.id(), "Room 1", "desk"));
    world.get(c.startService(ann.id(), "doc"));
    world.clock.advance(Duration.ofMinutes(6));
    world.get(c.complete(ann.id(), "doc"));
    Entry bob = world.get(c.callNext(lab.id(), "Room 1", "desk"));
    world.get(c.startService(bob.id(), "doc"));
    Entry cid = world.get(c.callNext(lab.id(), "Room 2", "desk"));
    world.get(c.noShow(cid.id(), "desk"));
    world.get(c.callNext(lab.id(), "Room 2", "desk"));
    entries.add(world.get(c.transfer(entries.get(4).id(), xray.id(), null, "desk")).entry());
    world.get(c.runningLate(entries.get(5).id(), "patient"));
    entries.add(world.expect(lab, "Hal", world.clock.instant().plus(Duration.ofHours(1)), "appt-h"));
    world.get(c.setStaffOnDuty(lab.id(), 2, "manager"));
    world.get(c.pause(xray.id(), true, "manager"));

    QueueSnapshot labBefore = world.snapshot(lab);
    QueueSnapshot xrayBefore = world.snapshot(xray);
    List<QueueEvent> labEventsBefore = world.events(lab);
    Map<UUID, String> tokensBefore = tokens(entries);
    VisitView fayBefore = world.get(c.visit(tokensBefore.get(entries.get(5).id())));

    world = world.restart(4);

    assertThat(world.snapshot(lab)).isEqualTo(labBefore);
    assertThat(world.snapshot(xray)).isEqualTo(xrayBefore);
    assertThat(world.events(lab)).isEqualTo(labEventsBefore);
    assertThat(tokens(entries)).isEqualTo(tokensBefore);
    assertThat(world.get(world.commands.visit(tokensBefore.get(entries.get(5).id())))).isEqualTo(fayBefore);
    // the state is the one built above, not merely equal to itself
    assertThat(labBefore.entries()).extracting(Entry::status).contains(Status.IN_SERVICE, Status.CALLED,
        Status.NO_SHOW, Status.WAITING, Status.EXPECTED);
    assertThat(labBefore.queue().staffOnDuty()).isEqualTo(2);
    assertThat(xrayBefore.queue().paused()).isTrue();
  }

  @Test
  void afterARestartTicketsAndSeqsContinueWhereTheyStopped() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < 3; i++) world.checkIn(q, "Before " + i);
    world.get(world.commands.callNext(q.id(), "Room 1", "desk"));

    world = world.restart(4);
    Entry next = world.checkIn(q, "After");

    assertThat(next.ticket()).isEqualTo("A-004");
    assertThat(world.events(q)).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(world.published(q)).extracting(QueueEvent::seq).containsExactly(5L);
    assertThat(world.line(q)).containsExactly("A-002", "A-003", "A-004");
  }

  private static Map<UUID, String> tokens(List<Entry> entries) {
    Map<UUID, String> out = new LinkedHashMap<>();
    for (Entry e : entries) out.put(e.id(), world.get(world.commands.visitToken(e.id())));
    return out;
  }
}
