package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds this node's listeners from the Kafka topic, in a consumer group of its own (so it sees every event), together
 * with the events of its own commands: each queue's events reach the local publisher once, in seq order
 * ({@link SeqGate}), starting after each queue's seq at start; a gap (records this consumer missed, or lost to
 * retention before it read them) is filled from the event log by seq. Whenever partitions are assigned (at start, after
 * a rebalance) the consumer starts them at their end, and once that end is known the last event of every queue is
 * offered too: events published before the consumer was placed are in the log by then, so none is waited for.
 */
public final class KafkaEventFeed implements QueueEventPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  /** How long a placement waits for a broker that is away before asking again. */
  private static final long PLACEMENT_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final SeqGate gate;
  private final SqlClient db;
  private final QueueStore store;
  private volatile boolean closed;

  private KafkaEventFeed(Vertx vertx, KafkaSettings settings, String group, SqlClient db, QueueStore store,
      QueueEventPublisher local) {
    this.vertx = vertx;
    this.db = db;
    this.store = store;
    this.gate = new SeqGate(local, db, store);
    this.consumer = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "group.id", group,
        "client.id", group,
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        // a new group starts at the end (the database has what came before); so does one whose records are gone
        "auto.offset.reset", "latest",
        // a group lives as long as its node: nothing to resume from, and closing waits for no commit
        "enable.auto.commit", "false",
        // bounds a placement's wait for the partitions' ends while the broker is away (then it asks again)
        "default.api.timeout.ms", "10000"));
  }

  /**
   * Subscribes to the topic and starts feeding {@code local}; completes once subscribed (a broker need not be up).
   *
   * @param group this node's consumer group (unique per node)
   * @param db reads missing events from the event log
   */
  public static Future<KafkaEventFeed> start(Vertx vertx, KafkaSettings settings, String group, SqlClient db,
      QueueStore store, QueueEventPublisher local) {
    KafkaEventFeed feed = new KafkaEventFeed(vertx, settings, group, db, store, local);
    feed.consumer.partitionsAssignedHandler(feed::placed);
    return store.latestEvents(db).compose(latest -> {
      feed.gate.seed(latest.stream().collect(Collectors.toMap(QueueEvent::queueId, QueueEvent::seq)));
      return feed.consumer.subscribe(settings.topic());
    }).map(v -> {
      feed.next();
      return feed;
    });
  }

  /** An event of this node's commands, just committed. */
  @Override
  public void publish(QueueEvent event) {
    gate.offer(event);
  }

  public Future<Void> close() {
    closed = true;
    return consumer.close();
  }

  private void next() {
    if (closed) return;
    consumer.poll(POLL).compose(records -> {
      List<Future<Void>> offered = new ArrayList<>(records.size());
      for (int i = 0; i < records.size(); i++) {
        QueueEvent event = decode(records.recordAt(i));
        if (event != null) offered.add(gate.offer(event));
      }
      return Future.join(offered);
    }).onComplete(ar -> {
      if (ar.failed() && !closed) LOG.warn("Reading queue events from Kafka failed: {}", ar.cause().getMessage());
      next();
    });
  }

  private static QueueEvent decode(KafkaConsumerRecord<String, String> record) {
    try {
      return EventEnvelope.decode(new JsonObject(record.value()));
    } catch (RuntimeException malformed) {
      LOG.warn("Skipping a record at offset {} of {}-{} that is not a queue event this release reads: {}",
          record.offset(), record.topic(), record.partition(), malformed.getMessage());
      return null;
    }
  }

  /**
   * The consumer was given {@code partitions}: it starts each at its end ({@code latest}), which it looks up lazily,
   * so a record published between the assignment and that lookup is never read. Asking each partition's position
   * waits for the lookup; every event before those ends was committed before it was published, so the log read after
   * them has it.
   */
  private void placed(Set<TopicPartition> partitions) {
    if (closed) return;
    List<Future<Long>> positions = partitions.stream().map(consumer::position).toList();
    Future.all(positions).onSuccess(v -> catchUp()).onFailure(err -> {
      if (closed || err instanceof IllegalStateException) return; // closed, or reassigned: that placement catches up
      LOG.warn("Could not learn where this node's Kafka consumer starts (asking again): {}", err.getMessage());
      vertx.setTimer(PLACEMENT_RETRY_MS, t -> placed(partitions));
    });
  }

  /** Offers the last event of every queue: listeners that are behind catch up, the others drop it. */
  private void catchUp() {
    store.latestEvents(db).onSuccess(latest -> latest.forEach(gate::offer))
        .onFailure(err -> LOG.warn("Could not read the last events to catch up after joining the Kafka topic "
            + "(screens catch up at each queue's next event): {}", err.getMessage()));
  }
}
