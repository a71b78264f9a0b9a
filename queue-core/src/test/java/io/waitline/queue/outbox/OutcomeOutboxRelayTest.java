package io.waitline.queue.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Waits;
import io.waitline.queue.command.TestClock;
import io.waitline.queue.event.kafka.KafkaEvents;
import io.waitline.queue.event.kafka.KafkaSettings;
import io.waitline.queue.event.kafka.KafkaBroker;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A module's outcome outbox relayed to its topic through a real Kafka broker (KRaft, in its own JVM), by nodes with
 * their own Vert.x, pool and relays on one real PostgreSQL database. The test plays the owning module: it creates the
 * outbox table and writes its rows.
 */
class OutcomeOutboxRelayTest {
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final OutcomeOutbox OUTBOX = new OutcomeOutbox("test-outcomes", "test outcomes", "test_outcome",
      "/waitline/tests");

  @RegisterExtension
  static final KafkaBroker kafka = new KafkaBroker();

  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T08:00:00Z"));
  private final List<Node> nodes = new ArrayList<>();
  private PgConnectOptions db;
  private Vertx vertx;
  private Pool pool;
  private String topic;

  @BeforeEach
  void createOutbox() {
    db = TestDatabase.freshDatabase();
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, db, 4);
    topic = "test-outcomes-" + COUNTER.incrementAndGet();
    get(pool.query("CREATE TABLE test_outcome (LIKE outcome_outbox INCLUDING ALL)").execute());
  }

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
    get(vertx.close());
  }

  @Test
  void eachRowIsPublishedAsACloudEventKeyedByItsRecordKeyWithTheOutboxAndRowAsItsId() {
    Node a = node("a");
    record(pool, "visit-1", 1);
    record(pool, "visit-2", 2);
    record(pool, "visit-1", 3);

    List<ConsumerRecord<String, String>> records = kafka.awaitRecords(topic, 3);
    assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("visit-1", "visit-2", "visit-1");
    assertThat(records.stream().filter(r -> r.key().equals("visit-1")).map(r -> data(r).getInteger("n")))
        .as("one key's records keep their order").containsExactly(1, 3);
    JsonObject second = records.stream().filter(r -> r.key().equals("visit-2")).map(r -> new JsonObject(r.value()))
        .findFirst().orElseThrow();
    assertThat(second).isEqualTo(new JsonObject()
        .put("specversion", "1.0")
        .put("id", "test-outcomes/2")
        .put("source", "/waitline/tests")
        .put("type", "io.waitline.test.outcome")
        .put("subject", "visit-2")
        .put("time", "2026-03-02T08:00:00Z")
        .put("datacontenttype", "application/json")
        .put("data", new JsonObject().put("n", 2)));
    await(() -> Long.valueOf(3).equals(position()), "the stored position is the last row's");
    assertThat(a.holdsLease()).isTrue();
  }

  @Test
  void aRowOfATransactionThatCommitsAfterALaterOneIsPublishedNotPassedOver() {
    node("a");
    SqlConnection open = get(pool.getConnection());
    Transaction tx = get(open.begin());
    record(open, "visit-1", 1);
    record(pool, "visit-1", 2);
    get(tx.commit());
    get(open.close());
    record(pool, "visit-1", 3);

    assertThat(kafka.awaitRecords(topic, 3)).extracting(r -> data(r).getInteger("n"))
        .as("in transaction order: the row written first, though it committed last").containsExactly(1, 2, 3);
  }

  @Test
  void aRelayThatStopsGivesItsLeaseUpAndTheNextResumesWhereItStoppedSendingNothingTwice() {
    Node a = node("a");
    record(pool, "visit-1", 1);
    record(pool, "visit-1", 2);
    kafka.awaitRecords(topic, 2);
    await(() -> Long.valueOf(2).equals(position()), "A stored its position");
    a.close();

    record(pool, "visit-1", 3);
    Node b = node("b");
    await(b::holdsLease, "B takes the lease A gave up, at once (the clock has not moved)");
    record(pool, "visit-1", 4);
    // a marker: a repeat of anything before it would be on the topic before it
    record(pool, "visit-1", 5);

    List<ConsumerRecord<String, String>> records = kafka.awaitRecords(topic, 5);
    assertThat(records).extracting(r -> data(r).getInteger("n")).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void aRelayKilledAfterTheBrokerAckedLeavesItsSuccessorToSendThoseAgainUnderTheSameIds() {
    Node a = node("a");
    await(a::holdsLease, "A holds the lease");
    Node b = node("b");
    record(pool, "visit-1", 1);
    record(pool, "visit-1", 2);
    record(pool, "visit-1", 3);
    kafka.awaitRecords(topic, 3);
    // A dies after the broker acknowledged rows 2 and 3 but before it stored its position past row 1
    a.kill();
    get(pool.preparedQuery("UPDATE event_relay SET last_xact = x.xact::text::bigint, last_event = x.id"
        + " FROM (SELECT xact, id FROM test_outcome WHERE id = 1) x WHERE name = $1")
        .execute(Tuple.of(OUTBOX.lease())));
    record(pool, "visit-1", 4);
    assertThat(a.holdsLease()).as("A's lease has not expired yet").isTrue();
    clock.advance(LEASE.plusSeconds(1));
    await(b::holdsLease, "B takes the lease once A's expired");

    List<ConsumerRecord<String, String>> records = kafka.awaitRecords(topic, 6);
    assertThat(records).extracting(r -> new JsonObject(r.value()).getString("id")).as("B sent 2 and 3 again, then 4")
        .containsExactly("test-outcomes/1", "test-outcomes/2", "test-outcomes/3", "test-outcomes/2",
            "test-outcomes/3", "test-outcomes/4");
    assertThat(records.get(3).value()).as("a repeat is the same record, byte for byte")
        .isEqualTo(records.get(1).value());
  }

  // --- the world

  private Node node(String name) {
    Node node = new Node(name, new KafkaSettings(kafka.broker().bootstrapServers(), topic + "-queue-events", LEASE,
        Duration.ofMillis(50), Map.of(OUTBOX.lease(), topic)));
    nodes.add(node);
    return node;
  }

  /** A row as the owning module writes it, with its change. */
  private void record(SqlClient client, String key, int n) {
    get(client.preparedQuery("INSERT INTO test_outcome (record_key, type, data, at) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(key, "io.waitline.test.outcome", new JsonObject().put("n", n),
            clock.instant().atOffset(ZoneOffset.UTC))));
  }

  private static JsonObject data(ConsumerRecord<String, String> r) {
    return new JsonObject(r.value()).getJsonObject("data");
  }

  private Long position() {
    var rows = get(pool.preparedQuery("SELECT last_event FROM event_relay WHERE name = $1")
        .execute(Tuple.of(OUTBOX.lease())));
    return rows.size() == 0 ? null : rows.iterator().next().getLong(0);
  }

  private static void await(BooleanSupplier condition, String what) {
    Waits.until(condition, 30_000, what);
  }

  private static <T> T get(Future<T> f) {
    return Waits.result(f);
  }


  /** One node: its own Vert.x, pool and Kafka relays (the queue events' and the test outbox's). */
  private final class Node {
    final Vertx vertx = Vertx.vertx();
    final String name;
    final KafkaEvents kafka;
    private boolean done;

    Node(String name, KafkaSettings settings) {
      this.name = name;
      Pool own = TestDatabase.pool(vertx, db, 4);
      kafka = get(KafkaEvents.start(vertx, own, new QueueStore(), settings, name, clock, e -> { }, List.of(OUTBOX)));
    }

    /** Whether this node's relay of the outbox holds an unexpired lease (holder: the node's name and a suffix). */
    boolean holdsLease() {
      var rows = get(pool.preparedQuery("SELECT holder FROM event_relay WHERE name = $1 AND expires_at > $2")
          .execute(Tuple.of(OUTBOX.lease(), clock.instant().atOffset(ZoneOffset.UTC))));
      return rows.size() > 0 && rows.iterator().next().getString(0).startsWith(name + " ");
    }

    /** The node dies: no lease given up, nothing closed in order. */
    void kill() {
      done = true;
      get(vertx.close());
    }

    void close() {
      if (done) return;
      done = true;
      get(kafka.close());
      get(vertx.close());
    }
  }
}
