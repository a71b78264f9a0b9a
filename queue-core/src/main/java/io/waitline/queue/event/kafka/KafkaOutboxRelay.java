package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.outbox.OutboxRecord;
import io.waitline.queue.store.EventRelayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an {@link Outbox} (the queue event log, or a module's outcomes) to its Kafka topic: at least once, in each
 * key's order. One relay per outbox and database publishes, the one holding the outbox's lease; every node runs one,
 * and another takes over when the holder dies (its lease expires) or stops (it gives the lease up).
 *
 * <p>Each pass reads the finished records after the relay's position (only records of transactions older than every
 * one still running, so none is passed over), sends them with the node's idempotent producer ({@code acks=all}) and
 * stores the position once the broker acknowledged them all, if this node still holds the lease. The lease is taken
 * or renewed every third of its length, so an idle relay costs one read per pass. A relay that dies between the
 * acknowledgement and the store leaves its successor to send those records again, with the same envelope ids:
 * consumers drop them by id (queue events: by seq).
 */
public final class KafkaOutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutboxRelay.class);
  /** The most records one pass sends. */
  static final int BATCH = 500;

  private final Vertx vertx;
  private final Pool pool;
  private final KafkaProducer<String, String> producer;
  private final Outbox outbox;
  private final String topic;
  private final KafkaSettings settings;
  private final String holder;
  private final Clock clock;
  private final EventRelayStore store = new EventRelayStore();
  private final long timer;
  /** Guarded by this: a pass is running; another was asked for meanwhile; the relay is closed. */
  private boolean running;
  private boolean again;
  private boolean closed;
  /**
   * Only touched by passes (one at a time): where this node's relay stands while it holds the lease (null while
   * another node does), when it next takes or renews the lease, whether the last pass failed (to log changes only).
   */
  private LogCursor cursor;
  private Instant checkLeaseAt = Instant.MIN;
  private boolean failing;

  private KafkaOutboxRelay(Vertx vertx, Pool pool, KafkaProducer<String, String> producer, Outbox outbox, String topic,
      KafkaSettings settings, String holder, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.producer = producer;
    this.outbox = outbox;
    this.topic = topic;
    this.settings = settings;
    this.holder = holder;
    this.clock = clock;
    this.timer = vertx.setPeriodic(settings.pollEvery().toMillis(), id -> wake());
  }

  /** The producer a node's relays share: idempotent, {@code acks=all}; its owner closes it. */
  static KafkaProducer<String, String> producer(Vertx vertx, KafkaSettings settings, String holder) {
    return KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "client.id", "waitline-relay-" + holder,
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "acks", "all",
        "enable.idempotence", "true",
        // a pass waits at most this long for a broker; then it fails and the next pass sends again
        "max.block.ms", "10000",
        "request.timeout.ms", "10000",
        "delivery.timeout.ms", "30000",
        "linger.ms", "5"));
  }

  /**
   * Starts a relay of {@code outbox} to {@code topic} on this node; it publishes whenever it holds the lease.
   *
   * @param holder this node's name in the lease (unique per running process)
   * @param clock the lease's clock
   */
  static KafkaOutboxRelay start(Vertx vertx, Pool pool, KafkaProducer<String, String> producer, Outbox outbox,
      String topic, KafkaSettings settings, String holder, Clock clock) {
    KafkaOutboxRelay relay = new KafkaOutboxRelay(vertx, pool, producer, outbox, topic, settings, holder, clock);
    relay.wake();
    return relay;
  }

  /** Asks for a pass now (a change on this node committed records); joins the running one if there is one. */
  public void wake() {
    synchronized (this) {
      if (closed) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      again = false;
    }
    pass().onComplete(ar -> {
      if (ar.failed() && !failing) {
        failing = true;
        LOG.warn("Could not publish {} to Kafka topic {} (retrying): {}", outbox.what(), topic,
            ar.cause().getMessage());
      } else if (ar.succeeded() && failing) {
        failing = false;
        LOG.info("Publishing {} to Kafka topic {} again", outbox.what(), topic);
      }
      boolean more = ar.succeeded() && ar.result();
      synchronized (this) {
        running = false;
        more |= again;
      }
      if (more) vertx.runOnContext(v -> wake());
    });
  }

  /**
   * Stops publishing and gives the lease up, so another node's relay takes over at once. Records not yet
   * acknowledged are given up when the producer closes: the next holder sends them again.
   */
  Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    vertx.cancelTimer(timer);
    return store.releaseLease(pool, outbox.lease(), holder);
  }

  /** One pass; true when it sent a full batch (more may be waiting). */
  private Future<Boolean> pass() {
    Instant now = clock.instant();
    Future<Boolean> holding = now.isBefore(checkLeaseAt) ? Future.succeededFuture(cursor != null)
        : store.tryLease(pool, outbox.lease(), holder, now, now.plus(settings.lease())).map(from -> {
          checkLeaseAt = now.plus(settings.lease().dividedBy(3));
          if (from == null) {
            if (cursor != null) {
              LOG.info("Another node holds the Kafka relay's lease of {} now; this node stops publishing them",
                  outbox.what());
            }
            cursor = null;
            return false;
          }
          if (cursor == null) LOG.info("This node publishes {} to Kafka topic {} from {}", outbox.what(), topic, from);
          cursor = from;
          return true;
        });
    return holding.compose(held -> held ? outbox.after(pool, cursor, BATCH).compose(this::send)
        : Future.succeededFuture(false));
  }

  private Future<Boolean> send(List<OutboxRecord> records) {
    if (records.isEmpty()) return Future.succeededFuture(false);
    LogCursor last = records.get(records.size() - 1).cursor();
    // the topic's partitions first: with no broker to tell them, the pass fails before it sends anything, rather
    // than the first sends failing while later ones wait and go through (out of order)
    return producer.partitionsFor(topic).compose(partitions -> {
      List<Future<?>> acks = records.stream().<Future<?>>map(r -> producer.send(KafkaProducerRecord.create(
          topic, r.key(), r.value().encode()))).toList();
      return Future.all(acks);
    })
        .compose(acked -> store.savePosition(pool, outbox.lease(), holder, last, clock.instant()))
        .map(saved -> {
          if (!saved) {
            LOG.info("Another node took the Kafka relay's lease of {} while this node was publishing; it stops",
                outbox.what());
            cursor = null;
            return false;
          }
          cursor = last;
          return records.size() == BATCH;
        });
  }
}
