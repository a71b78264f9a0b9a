package io.waitline.queue.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.Waits;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Two nodes (two Vert.x instances, each with its own pool and relay) on one real PostgreSQL database. */
class PgNotifyRelayTest {
  private static final String SITE = "site-1";
  private static final long WAIT_MS = 10_000;
  /** The nodes' one clock: mid-morning in Paris, a millisecond later at every reading, so no run crosses midnight. */
  private static final TestClock CLOCK = new TestClock(Instant.parse("2026-11-20T09:00:00Z"), Duration.ofMillis(1));
  private static final AtomicInteger QUEUES = new AtomicInteger();

  private static PgConnectOptions db;
  private static Node a;
  private static Node b;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase();
    a = new Node(db);
    b = new Node(db);
    get(a.commands.createSite(new Site(SITE, "Clinic", ZoneId.of("Europe/Paris"), "en", "ticket")));
  }

  @AfterAll
  static void stop() {
    if (a != null) a.close();
    if (b != null) b.close();
  }

  @Test
  void aCallOnOneNodeReachesTheOtherNodesEventBusExactlyAsCommitted() {
    ServiceQueue q = queue();
    get(a.commands.checkIn(q.id(), walkIn("Ann Lee"), "desk")).entry();
    get(a.commands.callNext(q.id(), "Room 1", "desk"));

    List<QueueEvent> committed = get(a.commands.eventsAfter(q.id(), 0, 100));
    assertThat(committed).extracting(QueueEvent::seq, QueueEvent::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, EventType.CHECKED_IN),
            org.assertj.core.groups.Tuple.tuple(2L, EventType.CALLED));
    assertThat(b.awaitEvents(q, 2)).isEqualTo(committed);
    assertThat(b.events(q).get(1).payload().entry().patient().name())
        .as("the staff view travels on the node's own bus, as on the node that ran the command")
        .isEqualTo("Ann Lee");
  }

  @Test
  void aNodeDoesNotReceiveItsOwnEventsAgainThroughTheRelay() {
    ServiceQueue q = queue();
    get(a.commands.checkIn(q.id(), walkIn("Bob Ray"), "desk"));
    b.awaitEvents(q, 1);
    get(b.commands.checkIn(q.id(), walkIn("Cid Poe"), "desk"));
    a.awaitEvents(q, 2);
    // markers that reach each node only through the relay, whose notices arrive in commit order: once a node has
    // the other's later event, any copy of its own earlier ones would already have come
    get(b.commands.checkIn(q.id(), walkIn("Marker One"), "desk"));
    a.awaitEvents(q, 3);
    get(a.commands.checkIn(q.id(), walkIn("Marker Two"), "desk"));
    b.awaitEvents(q, 4);

    assertThat(a.events(q)).extracting(QueueEvent::seq).as("node A, up to B's marker").startsWith(1L, 2L, 3L)
        .doesNotHaveDuplicates();
    assertThat(b.events(q)).extracting(QueueEvent::seq).as("node B, up to A's marker")
        .containsExactly(1L, 2L, 3L, 4L);
    // each node tells its own notices by how they begin, without reading their JSON
    QueueEvent first = a.events(q).get(0);
    assertThat(a.relay.isOwn(a.relay.notice(first).payload())).isTrue();
    assertThat(b.relay.isOwn(a.relay.notice(first).payload())).isFalse();
  }

  @Test
  void aNoticeIsTheJsonOfNodeQueueAndSeqWhateverTheQueueIdHolds() {
    ServiceQueue q = queue();
    get(a.commands.checkIn(q.id(), walkIn("Ann Lee"), "desk"));
    QueueEvent event = get(a.commands.eventsAfter(q.id(), 0, 1)).get(0);
    for (String queueId : List.of(event.queueId(), "lab-2_b", "odd \"quoted\" \\ id", "tab\there")) {
      QueueEvent named = new QueueEvent(queueId, event.siteId(), 41, event.type(), event.payload(), event.at());
      String payload = a.relay.notice(named).payload();

      assertThat(new JsonObject(payload)).as(queueId)
          .isEqualTo(new JsonObject().put("node", a.relay.node()).put("queueId", queueId).put("seq", 41L));
      assertThat(a.relay.isOwn(payload)).as(queueId).isTrue();
    }
  }

  @Test
  void aBatchOfEventsIsOneNoticeNamingItsLastEventAndTheOtherNodeReadsThatEvent() {
    ServiceQueue q = queue();
    List<CheckIn> appointments = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      appointments.add(new CheckIn(new Patient("Booked " + i, null, null, null, null), Priority.NORMAL,
          CLOCK.instant().plus(Duration.ofMinutes(30 + 5 * i)), "appt-batch-" + q.id() + "-" + i));
    }
    get(a.commands.inOneTransaction(batch -> batch.expectAll(q.id(), appointments,
        java.util.Collections.nCopies(appointments.size(), "pms"))));
    // a later command's notice is the marker: notices arrive in commit order, so any other of the batch's came first
    get(a.commands.checkIn(q.id(), walkIn("Marker"), "desk"));

    b.awaitEvents(q, 2);
    assertThat(b.events(q)).extracting(QueueEvent::seq)
        .as("one notice for the five events of one transaction, naming seq 5; then the marker's")
        .containsExactly(5L, 6L);
    assertThat(b.events(q).get(0)).as("the other node publishes the batch's last event as committed")
        .isEqualTo(get(a.commands.eventsAfter(q.id(), 4, 1)).get(0));
  }

  @Test
  void eventsOfSeveralQueuesAllReachTheOtherNode() {
    ServiceQueue first = queue();
    ServiceQueue second = queue();
    ServiceQueue third = queue();
    Entry ann = get(a.commands.checkIn(first.id(), walkIn("Ann Lee"), "desk")).entry();
    get(a.commands.checkIn(second.id(), walkIn("Bob Ray"), "desk"));
    get(a.commands.checkIn(third.id(), walkIn("Cid Poe"), "desk"));
    get(a.commands.transfer(ann.id(), third.id(), null, "desk"));

    assertThat(b.awaitEvents(first, 2)).extracting(ev -> ev.type().wire()).containsExactly("checked_in", "transferred_out");
    assertThat(b.awaitEvents(second, 1)).extracting(ev -> ev.type().wire()).containsExactly("checked_in");
    assertThat(b.awaitEvents(third, 2)).extracting(ev -> ev.type().wire()).containsExactly("checked_in", "transferred_in");
    assertThat(b.awaitEvents(third, 2)).extracting(QueueEvent::siteId).containsOnly(SITE);
  }

  @Test
  void aCommandThatRollsBackNotifiesNoOne() {
    ServiceQueue q = queue();
    // the NOTIFY is sent in the command's transaction, which then fails before it commits
    QueueCommands failing = a.commands.beforeCommit((c, entry) ->
        io.vertx.core.Future.failedFuture(new IllegalStateException("refused before commit")));

    Throwable refused = catchThrowable(() -> get(failing.checkIn(q.id(), walkIn("Dee Ng"), "desk")));
    Entry kept = get(a.commands.checkIn(q.id(), walkIn("Eve Ng"), "desk")).entry();

    assertThat(refused).hasMessage("refused before commit");
    // node B hears of the committed check-in only: one event, seq 1, Eve
    assertThat(b.awaitEvents(q, 1)).singleElement().satisfies(e -> {
      assertThat(e.seq()).isEqualTo(1);
      assertThat(e.payload().entry().id().toString()).isEqualTo(kept.id().toString());
    });
    assertThat(a.events(q)).hasSize(1);
  }

  @Test
  void afterItsListenConnectionDropsANodeReconnectsAndReceivesAgain() {
    ListAppender<ILoggingEvent> log = capture();
    try {
      String name = PgNotifyRelay.applicationName(b.relay.node());
      int before = listenerPid(name);
      assertThat(get(a.pool.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(before)))
          .iterator().next().getBoolean(0)).isTrue();
      await(() -> { int now = listenerPid(name); return now != 0 && now != before; }, "node B listens again");
      // and has republished what it may have missed, before this test's own event
      await(() -> log.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Listening again")),
          "node B caught up");

      ServiceQueue q = queue();
      get(a.commands.checkIn(q.id(), walkIn("Eve Kay"), "desk"));
      assertThat(b.awaitEvents(q, 1)).extracting(ev -> ev.type().wire()).containsExactly("checked_in");
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
          .contains("Lost the connection that listens for queue events of other nodes; reconnecting");
    } finally {
      release(log);
    }
  }

  @Test
  void anEventCommittedWhileANodeWasNotListeningReachesItWhenItListensAgain() {
    ServiceQueue q = queue();
    String name = PgNotifyRelay.applicationName(b.relay.node());
    int before = listenerPid(name);
    assertThat(get(a.pool.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(before)))
        .iterator().next().getBoolean(0)).isTrue();

    get(a.commands.checkIn(q.id(), walkIn("Missed While Away"), "desk")); // its notice finds B not listening

    // republished when B listens again (should B be back before the commit, the notice itself brings it too)
    assertThat(b.awaitEvents(q, 1)).extracting(QueueEvent::seq).containsOnly(1L);
  }

  /** The backend that holds this relay's LISTEN, once its LISTEN completed; 0 when there is none. */
  private static int listenerPid(String applicationName) {
    var rows = get(a.pool.preparedQuery("SELECT pid FROM pg_stat_activity WHERE application_name = $1"
        + " AND state = 'idle' AND query LIKE 'LISTEN%'").execute(Tuple.of(applicationName)));
    return rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0);
  }

  private static ServiceQueue queue() {
    String id = "q-" + QUEUES.incrementAndGet();
    return get(a.commands.createQueue(new ServiceQueue(id, SITE, "Queue " + id, "A", OrderingRule.DEFAULT, 600,
        false, 1, 0)));
  }

  private static CheckIn walkIn(String name) {
    return new CheckIn(new Patient(name, null, null, "+33600000000", null), Priority.NORMAL, null, null);
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(PgNotifyRelay.class)).addAppender(log);
    return log;
  }

  private static void release(ListAppender<ILoggingEvent> log) {
    ((Logger) LoggerFactory.getLogger(PgNotifyRelay.class)).detachAppender(log);
  }

  private static void await(BooleanSupplier condition, String what) {
    Waits.until(condition, WAIT_MS, what);
  }

  private static <T> T get(Future<T> f) {
    return Waits.result(f);
  }


  /** One node: its own Vert.x, pool, relay and commands, and every event its bus carried for the site. */
  private static final class Node implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final Pool pool;
    final PgNotifyRelay relay;
    final QueueCommands commands;
    private final List<QueueEvent> received = new CopyOnWriteArrayList<>();

    Node(PgConnectOptions db) {
      pool = TestDatabase.pool(vertx, db, 4);
      var consumer = vertx.eventBus().<QueueEvent>consumer(EventBusPublisher.siteAddress(SITE),
          m -> received.add(m.body()));
      get(consumer.completion());
      QueueStore store = new QueueStore();
      relay = get(PgNotifyRelay.start(vertx, db, pool, store, new EventBusPublisher(vertx.eventBus())));
      commands = new QueueCommands(pool, store, relay, new ServiceTimeEstimator(), CLOCK);
    }

    List<QueueEvent> events(ServiceQueue q) {
      return received.stream().filter(e -> e.queueId().equals(q.id())).toList();
    }

    /** The queue's events on this node's bus, once there are at least {@code n}. */
    List<QueueEvent> awaitEvents(ServiceQueue q, int n) {
      await(() -> events(q).size() >= n, n + " events of " + q.id() + " on this node's bus, got " + events(q));
      return events(q);
    }

    @Override
    public void close() {
      get(relay.close());
      get(vertx.close());
    }
  }
}
