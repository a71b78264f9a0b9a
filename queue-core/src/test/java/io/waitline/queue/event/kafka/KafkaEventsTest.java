package io.waitline.queue.event.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.LoopbackPorts;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Site;
import io.waitline.queue.Waits;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queue events between nodes through a real Kafka broker (KRaft, in its own JVM), each node with its own Vert.x,
 * pool, relay and consumer on one real PostgreSQL database. Node B's consumer reaches the broker through a proxy the
 * tests can cut, so B alone can fall behind.
 */
class KafkaEventsTest {
  private static final String SITE = "site-1";
  private static final long WAIT_MS = 30_000;
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static KafkaTestBroker broker;
  private static TcpProxy proxy;

  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T08:00:00Z"));
  private final List<Node> nodes = new ArrayList<>();
  private PgConnectOptions db;
  private String topic;

  @BeforeAll
  static void startBroker() {
    int proxyPort = LoopbackPorts.free();
    broker = KafkaTestBroker.withRelayedListener(proxyPort);
    proxy = new TcpProxy(proxyPort, broker.relayedListener());
  }

  @AfterAll
  static void stopBroker() {
    if (proxy != null) proxy.close();
    if (broker != null) broker.close();
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(Node::close);
  }

  @Test
  void everyCommittedEventIsPublishedOnceAsAnEnvelopeKeyedByItsQueueInSeqOrder() {
    Node a = node("a", broker.bootstrapServers());
    ServiceQueue q = queue(a);
    checkIns(a, q, 3);
    get(a.commands.callNext(q.id(), "Room 1", "desk"));

    List<ConsumerRecord<String, String>> records = awaitRecords(4);
    assertThat(records).extracting(ConsumerRecord::key).containsOnly(q.id());
    JsonObject called = new JsonObject(records.get(3).value());
    assertThat(called.getString("specversion")).isEqualTo("1.0");
    assertThat(called.getString("id")).isEqualTo(q.id() + "/4");
    assertThat(called.getString("source")).isEqualTo("/waitline/queues/" + q.id());
    assertThat(called.getString("type")).isEqualTo("io.waitline.queue.called");
    assertThat(called.getString("queue")).isEqualTo(q.id());
    assertThat(called.getString("site")).isEqualTo(SITE);
    assertThat(called.getLong("seq")).isEqualTo(4L);
    assertThat(called.getJsonObject("data").getInteger("version")).isEqualTo(1);
    List<QueueEvent> committed = get(a.commands.eventsAfter(q.id(), 0, 100));
    assertThat(records).extracting(r -> EventEnvelope.decode(new JsonObject(r.value())))
        .as("the topic holds the log's events, decoded back exactly")
        .isEqualTo(committed);
    assertThat(relayPosition(a)).as("the stored position is the last event's").isEqualTo(lastEventId(a));
  }

  @Test
  void aCallOnNodeAReachesNodeBOnceAndInOrderAndNodeANeverTwice() {
    Node a = node("a", broker.bootstrapServers());
    Node b = node("b", broker.bootstrapServers());
    ServiceQueue q = queue(a);
    checkIns(a, q, 2);
    get(a.commands.callNext(q.id(), "Room 3", "desk"));
    get(b.commands.checkIn(q.id(), walkIn("From B"), "desk"));
    // a marker through the topic: once A has B's later event, every copy of A's own would have come before it
    b.awaitSeqs(q, 4);
    a.awaitSeqs(q, 4);
    get(a.commands.checkIn(q.id(), walkIn("Marker"), "desk"));

    assertThat(b.awaitSeqs(q, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(a.awaitSeqs(q, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(b.events(q).get(2).payload().entry().calledTo()).isEqualTo("Room 3");
  }

  @Test
  void eventsCommittedWhileTheBrokerIsDownArePublishedWhenItComesUp() {
    broker.kill();
    Node a;
    Node b;
    ServiceQueue q;
    try {
      a = node("a", broker.bootstrapServers());
      b = node("b", broker.bootstrapServers());
      q = queue(a);
      checkIns(a, q, 3);
      assertThat(a.awaitSeqs(q, 3)).as("the node that ran the commands has them with no broker")
          .containsExactly(1L, 2L, 3L);
    } finally {
      broker.restart();
    }
    assertThat(awaitRecords(3)).extracting(r -> new JsonObject(r.value()).getLong("seq")).containsExactly(1L, 2L, 3L);
    get(a.commands.checkIn(q.id(), walkIn("Marker"), "desk"));
    assertThat(b.awaitSeqs(q, 4)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(a.awaitSeqs(q, 4)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aBrokerRestartMidStreamLosesNoEventAndDeliversNoneTwice() {
    Node a = node("a", broker.bootstrapServers());
    Node b = node("b", broker.bootstrapServers());
    ServiceQueue q = queue(a);
    checkIns(a, q, 2);
    b.awaitSeqs(q, 2);

    broker.kill();
    checkIns(a, q, 2);
    broker.restart();
    get(a.commands.checkIn(q.id(), walkIn("Marker"), "desk"));

    assertThat(b.awaitSeqs(q, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(a.awaitSeqs(q, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(awaitRecords(5)).extracting(r -> new JsonObject(r.value()).getLong("seq"))
        .as("every event reached the topic (a retried send may repeat one)").contains(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void whenTheRelayNodeDiesAfterTheBrokerAckedAnotherTakesTheLeaseResumesAndDuplicatesAreDropped() {
    Node a = node("a", broker.bootstrapServers());
    await(() -> holdsLease(a), "node A holds the relay's lease");
    Node b = node("b", broker.bootstrapServers());
    ServiceQueue q = queue(a);
    checkIns(a, q, 3);
    b.awaitSeqs(q, 3);
    awaitRecords(3);
    // A dies after the broker acknowledged events 2 and 3 but before it stored its position past event 1
    a.kill();
    get(b.pool.preparedQuery("UPDATE event_relay SET last_xact = x.xact::text::bigint, last_event = x.id"
        + " FROM (SELECT xact, id FROM queue_event WHERE queue_id = $1 AND seq = 1) x").execute(Tuple.of(q.id())));

    get(b.commands.checkIn(q.id(), walkIn("While nobody publishes"), "desk"));
    assertThat(holdsLease(a)).as("A's lease has not expired yet").isTrue();
    clock.advance(LEASE.plusSeconds(1));
    await(() -> holdsLease(b), "node B takes the lease once A's expired");
    get(b.commands.checkIn(q.id(), walkIn("After the takeover"), "desk"));
    List<Long> published = awaitRecords(7).stream().map(r -> new JsonObject(r.value()).getLong("seq")).toList();
    assertThat(published).as("B sent 2 and 3 again, then 4 and 5").containsExactly(1L, 2L, 3L, 2L, 3L, 4L, 5L);
    // a marker from a third node, which reaches B through the topic after the repeated records
    Node c = node("c", broker.bootstrapServers());
    get(c.commands.checkIn(q.id(), walkIn("Marker"), "desk"));

    assertThat(b.awaitSeqs(q, 6)).as("B applied each once").containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(c.awaitSeqs(q, 1)).as("a node started later starts after the events before it").containsExactly(6L);
  }

  @Test
  void aConsumerBehindRetentionFillsWhatItMissedFromTheDatabase() {
    Node a = node("a", broker.bootstrapServers());
    await(() -> holdsLease(a), "node A, which the proxy does not cut off, holds the relay's lease");
    Node b = node("b", "127.0.0.1:" + proxy.port());
    ServiceQueue q = queue(a);
    checkIns(a, q, 2);
    b.awaitSeqs(q, 2);

    proxy.cut();
    checkIns(a, q, 3);
    awaitRecords(5);
    deleteEverythingPublished();
    proxy.restore();
    // markers until B hears one: the records it missed are gone from the topic, so they come from the database
    long last = 5;
    while (b.seqs(q).size() < last && last < 15) {
      get(a.commands.checkIn(q.id(), walkIn("Marker " + last), "desk"));
      last++;
      long expected = last;
      awaitOrNot(() -> b.seqs(q).size() >= expected, 3_000);
    }

    assertThat(b.seqs(q)).containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
  }

  // --- the world

  private Node node(String name, String bootstrap) {
    if (db == null) {
      db = TestDatabase.freshDatabase();
      topic = "queue-events-" + COUNTER.incrementAndGet();
    }
    Node node = new Node(name, db,
        new KafkaSettings(bootstrap, topic, LEASE, Duration.ofMillis(50), Map.of()), clock);
    nodes.add(node);
    return node;
  }

  private static ServiceQueue queue(Node node) {
    get(node.commands.createSite(new Site(SITE, "Clinic", ZoneId.of("Europe/Paris"), "en", "ticket")));
    String id = "q-" + COUNTER.incrementAndGet();
    ServiceQueue q = get(node.commands.createQueue(new ServiceQueue(id, SITE, "Queue " + id, "A",
        OrderingRule.DEFAULT, 600, false, 1, 0)));
    node.queues.add(q);
    return q;
  }

  private static void checkIns(Node node, ServiceQueue q, int n) {
    for (int i = 0; i < n; i++) get(node.commands.checkIn(q.id(), walkIn("Patient " + UUID.randomUUID()), "desk"));
  }

  private static CheckIn walkIn(String name) {
    return new CheckIn(new Patient(name, null, null, null, null), Priority.NORMAL, null, null);
  }

  /** Whether the node's relay holds an unexpired lease (its holder is the node's name and a random suffix). */
  private boolean holdsLease(Node node) {
    Pool alive = nodes.stream().filter(n -> !n.dead).findFirst().orElseThrow().pool;
    var rows = get(alive.preparedQuery("SELECT holder FROM event_relay WHERE name = $1 AND expires_at > $2")
        .execute(Tuple.of(QueueEventOutbox.LEASE, clock.instant().atOffset(java.time.ZoneOffset.UTC))));
    return rows.size() > 0 && rows.iterator().next().getString(0).startsWith(node.name + " ");
  }

  private static Long relayPosition(Node node) {
    var rows = get(node.pool.query("SELECT last_event FROM event_relay").execute());
    return rows.iterator().next().getLong(0);
  }

  private static Long lastEventId(Node node) {
    return get(node.pool.query("SELECT max(id) FROM queue_event").execute()).iterator().next().getLong(0);
  }

  /** Every record of this test's topic, from the first, once there are at least {@code n}. */
  private List<ConsumerRecord<String, String>> awaitRecords(int n) {
    return broker.awaitRecords(topic, n);
  }

  /** What retention would do to records nobody read in time: deletes every record now on the topic. */
  private void deleteEverythingPublished() {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(i -> latest.put(new TopicPartition(topic, i.partition()), OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin.listOffsets(latest).all().get()
          .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(delete).all().get();
    } catch (Exception e) {
      throw new AssertionError("could not delete the topic's records", e);
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Waits.until(condition, WAIT_MS, what);
  }

  private static boolean awaitOrNot(BooleanSupplier condition, long ms) {
    return Waits.within(condition, ms);
  }

  private static <T> T get(Future<T> f) {
    return Waits.result(f);
  }


  /** One node: its own Vert.x, pool, Kafka relay and consumer, and every event its bus carried for the site. */
  private static final class Node {
    final Vertx vertx = Vertx.vertx();
    final String name;
    final Pool pool;
    final KafkaEvents kafka;
    final QueueCommands commands;
    final List<ServiceQueue> queues = new CopyOnWriteArrayList<>();
    private final List<QueueEvent> received = new CopyOnWriteArrayList<>();
    private boolean dead;

    Node(String name, PgConnectOptions db, KafkaSettings settings, TestClock clock) {
      this.name = name;
      pool = TestDatabase.pool(vertx, db, 4);
      get(vertx.eventBus().<QueueEvent>consumer(EventBusPublisher.siteAddress(SITE),
          m -> received.add(m.body())).completion());
      QueueStore store = new QueueStore();
      kafka = get(KafkaEvents.start(vertx, pool, store, settings, name, clock,
          new EventBusPublisher(vertx.eventBus()), List.of()));
      commands = new QueueCommands(pool, store, kafka, new ServiceTimeEstimator(), clock);
    }

    List<QueueEvent> events(ServiceQueue q) {
      return received.stream().filter(e -> e.queueId().equals(q.id())).toList();
    }

    List<Long> seqs(ServiceQueue q) {
      return events(q).stream().map(QueueEvent::seq).toList();
    }

    /** The seqs of the queue's events on this node's bus, once there are at least {@code n}. */
    List<Long> awaitSeqs(ServiceQueue q, int n) {
      await(() -> events(q).size() >= n, n + " events of " + q.id() + " on this node's bus, got " + seqs(q));
      return seqs(q);
    }

    /** The node dies: no lease given up, nothing closed in order. */
    void kill() {
      dead = true;
      get(vertx.close());
    }

    void close() {
      if (dead) return;
      get(kafka.close());
      get(vertx.close());
    }
  }
}
