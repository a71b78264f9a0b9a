package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.OrderingRule;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What time alone does to a queue: promotion after the maximum wait is announced, and days do not leak. */
class TimeAndDayTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @Test
  void promotionPastTheMaximumWaitIsAnnouncedOnceAsAReorderedEvent() {
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(30), TransferPolicy.KEEP_PLACE);
    ServiceQueue q = world.queue(QueueWorld.SITE, "R", rule, 1);
    world.checkIn(q, "Old Normal", Priority.NORMAL);
    world.clock.advance(Duration.ofMinutes(5));
    world.checkIn(q, "New High", Priority.HIGH);
    assertThat(world.line(q)).containsExactly("R-002", "R-001");
    assertThat(world.get(world.commands.announceReorder(q.id()))).as("nothing changed yet").isFalse();

    world.clock.advance(Duration.ofMinutes(27)); // R-001 has now waited 32 minutes > 30
    assertThat(world.get(world.commands.announceReorder(q.id()))).isTrue();
    assertThat(world.get(world.commands.announceReorder(q.id()))).as("announced only once").isFalse();

    List<QueueEvent> events = world.events(q);
    QueueEvent last = events.get(events.size() - 1);
    assertThat(last.type()).isEqualTo(EventType.REORDERED);
    assertThat(last.seq()).isEqualTo(3);
    assertThat(last.payload().lineup().get(0).ticket()).isEqualTo("R-001");
    assertThat(world.line(q)).containsExactly("R-001", "R-002");
  }

  @Test
  void yesterdaysUnfinishedVisitsAreNotInTodaysLine() {
    ServiceQueue q = world.queue("Y");
    world.checkIn(q, "Yesterday Waiting");
    world.clock.advance(Duration.ofDays(1));
    assertThat(world.line(q)).isEmpty();
    var today = world.checkIn(q, "Today Waiting");
    assertThat(today.ticket()).as("numbering restarts each day").isEqualTo("Y-001");
    var called = world.get(world.commands.callNext(q.id(), "Room 1", "desk"));
    assertThat(called.id()).isEqualTo(today.id());
  }
}
