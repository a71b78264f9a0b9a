package io.waitline.queue.event.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate between a node's event sources and its listeners, on a real event log. */
class SeqGateTest {
  private static Vertx vertx;
  private static Pool pool;
  private static QueueCommands commands;
  private static int queues;

  private final List<QueueEvent> handedOn = new CopyOnWriteArrayList<>();
  private final SeqGate gate = new SeqGate(handedOn::add, pool, new QueueStore());

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, TestDatabase.freshDatabase(), 2);
    // mid-morning in Paris on a test clock, a millisecond later at every reading, so no run crosses midnight
    commands = new QueueCommands(pool, new QueueStore(), event -> { }, new ServiceTimeEstimator(),
        new TestClock(Instant.parse("2026-11-20T09:00:00Z"), Duration.ofMillis(1)));
    get(commands.createSite(new Site("s", "Clinic", ZoneId.of("Europe/Paris"), "en", "ticket")));
  }

  @AfterAll
  static void stop() {
    get(vertx.close());
  }

  @Test
  void repeatedAndOlderEventsAreDroppedAndTheRestHandedOnOnceInSeqOrder() {
    List<QueueEvent> log = eventsOfANewQueue(3);
    for (QueueEvent e : List.of(log.get(0), log.get(0), log.get(1), log.get(0), log.get(2), log.get(1))) {
      get(gate.offer(e));
    }
    assertThat(handedOn).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void anEventPastAGapFirstBringsTheMissingOnesFromTheEventLogBySeq() {
    List<QueueEvent> log = eventsOfANewQueue(5);
    get(gate.offer(log.get(0)));
    get(gate.offer(log.get(4)));
    get(gate.offer(log.get(2)));
    assertThat(handedOn).as("2, 3 and 4 read from the log, then 5; the late 3 dropped").isEqualTo(log);
  }

  @Test
  void aGapLargerThanAReadPageIsBroughtPageByPageWholeAndInOrder() {
    SeqGate onePerPage = new SeqGate(handedOn::add, pool, new QueueStore(), 1);
    List<QueueEvent> log = eventsOfANewQueue(6);
    get(onePerPage.offer(log.get(0)));
    get(onePerPage.offer(log.get(5)));
    assertThat(handedOn).as("2 to 5 read one page each, then 6").isEqualTo(log);
  }

  @Test
  void aQueueSeededAtStartHandsOnOnlyWhatFollowsItsSeq() {
    List<QueueEvent> log = eventsOfANewQueue(4);
    gate.seed(Map.of(log.get(0).queueId(), 3L));
    log.forEach(gate::offer);
    get(gate.offer(log.get(3)));
    assertThat(handedOn).extracting(QueueEvent::seq).containsExactly(4L);
  }

  private static List<QueueEvent> eventsOfANewQueue(int n) {
    String id = "q-" + ++queues;
    get(commands.createQueue(new ServiceQueue(id, "s", "Queue " + id, "A", OrderingRule.DEFAULT, 600, false, 1, 0)));
    for (int i = 0; i < n; i++) {
      get(commands.checkIn(id, new CheckIn(new Patient("Patient " + i, null, null, null, null), Priority.NORMAL,
          null, null), "desk"));
    }
    return get(commands.eventsAfter(id, 0, 100));
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }
}
