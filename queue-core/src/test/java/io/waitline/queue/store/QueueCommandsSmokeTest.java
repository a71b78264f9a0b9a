package io.waitline.queue.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueCommandsSmokeTest {
  /** Mid-morning in Paris, a millisecond later at every reading: the check-in and the call are on one clinic day. */
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-11-20T09:00:00Z"), Duration.ofMillis(1));

  @Test
  void checkInThenCallNextAppendsTwoEvents() throws Exception {
    Vertx vertx = Vertx.vertx();
    var pool = TestDatabase.pool(vertx, TestDatabase.freshDatabase(), 4);
    List<QueueEvent> published = new ArrayList<>();
    var cmds = new QueueCommands(pool, new QueueStore(), published::add, new ServiceTimeEstimator(), CLOCK);
    cmds.createSite(new Site("s1", "Site", ZoneId.of("Europe/Paris"), "fr", "ticket")).await();
    cmds.createQueue(new ServiceQueue("q1", "s1", "Lab", "A", OrderingRule.DEFAULT, 600, false, 1, 0)).await();
    var e = cmds.checkIn("q1", new CheckIn(new Patient("Ann Lee", null, null, null, null), null, null, null), "t").await().entry();
    assertThat(e.ticket()).isEqualTo("A-001");
    var called = cmds.callNext("q1", "Room 1", "t").await();
    assertThat(called.id()).isEqualTo(e.id());
    assertThat(published).extracting(QueueEvent::seq).containsExactly(1L, 2L);
    vertx.close().await();
  }
}
