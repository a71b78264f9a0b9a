package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.store.EventRelayStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the queue event log (the outbox) to the Kafka topic, keyed by queue id, as {@link EventEnvelope}s: at
 * least once, in each queue's seq order. One relay per database publishes, the one holding the lease; every node runs
 * one, and another takes over when the holder dies (its lease expires) or stops (it gives the lease up).
 *
 * <p>Each pass reads the finished events after the relay's position ({@link EventLog}: only events of transactions
 * older than every one still running, so none is passed over), sends them with an idempotent producer
 * ({@code acks=all}) and stores the position once the broker acknowledged them all, if this node still holds the
 * lease. The lease is taken or renewed every third of its length, so an idle relay costs one read per pass. A relay
 * that dies between the acknowledgement and the store leaves its successor to send those events again: consumers
 * drop them by seq.
 */
public final class KafkaOutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaOutboxRelay.class);
  /** The relay's row in {@code event_relay}. */
  static final String NAME = "kafka";
  /** The most events one pass sends. */
  static final int BATCH = 500;
  private static final long CLOSE_MS = 2_000;

  private final Vertx vertx;
  private final Pool pool;
  private final KafkaSettings settings;
  private final String holder;
  private final Clock clock;
  private final EventLog log = new EventLog();
  private final EventRelayStore store = new EventRelayStore();
  private final KafkaProducer<String, String> producer;
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

  private KafkaOutboxRelay(Vertx vertx, Pool pool, KafkaSettings settings, String holder, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.holder = holder;
    this.clock = clock;
    this.producer = KafkaProducer.create(vertx, Map.of(
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
    this.timer = vertx.setPeriodic(settings.pollEvery().toMillis(), id -> wake());
  }

  /**
   * Starts a relay on this node; it publishes whenever it holds the lease.
   *
   * @param holder this node's name in the lease (unique per running process)
   * @param clock the lease's clock
   */
  public static KafkaOutboxRelay start(Vertx vertx, Pool pool, KafkaSettings settings, String holder, Clock clock) {
    KafkaOutboxRelay relay = new KafkaOutboxRelay(vertx, pool, settings, holder, clock);
    relay.wake();
    return relay;
  }

  /** Asks for a pass now (a command on this node committed events); joins the running one if there is one. */
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
        LOG.warn("Could not publish queue events to Kafka topic {} (retrying): {}", settings.topic(),
            ar.cause().getMessage());
      } else if (ar.succeeded() && failing) {
        failing = false;
        LOG.info("Publishing queue events to Kafka topic {} again", settings.topic());
      }
      boolean more = ar.succeeded() && ar.result();
      synchronized (this) {
        running = false;
        more |= again;
      }
      if (more) vertx.runOnContext(v -> wake());
    });
  }

  /** Stops publishing and gives the lease up, so another node's relay takes over at once. */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    vertx.cancelTimer(timer);
    // records not yet acknowledged are given up after a moment: the next holder sends them again
    return store.releaseLease(pool, NAME, holder).eventually(() -> producer.close(CLOSE_MS));
  }

  /** One pass; true when it sent a full batch (more may be waiting). */
  private Future<Boolean> pass() {
    Instant now = clock.instant();
    Future<Boolean> holding = now.isBefore(checkLeaseAt) ? Future.succeededFuture(cursor != null)
        : store.tryLease(pool, NAME, holder, now, now.plus(settings.lease())).map(from -> {
          checkLeaseAt = now.plus(settings.lease().dividedBy(3));
          if (from == null) {
            if (cursor != null) LOG.info("Another node holds the Kafka relay's lease now; this node stops publishing");
            cursor = null;
            return false;
          }
          if (cursor == null) {
            LOG.info("This node publishes queue events to Kafka topic {} from {}", settings.topic(), from);
          }
          cursor = from;
          return true;
        });
    return holding.compose(held -> held ? log.after(pool, cursor, BATCH).compose(this::send)
        : Future.succeededFuture(false));
  }

  private Future<Boolean> send(List<LoggedEvent> events) {
    if (events.isEmpty()) return Future.succeededFuture(false);
    LogCursor last = events.get(events.size() - 1).cursor();
    // the topic's partitions first: with no broker to tell them, the pass fails before it sends anything, rather
    // than the first sends failing while later ones wait and go through (out of seq order)
    return producer.partitionsFor(settings.topic()).compose(partitions -> {
      List<Future<?>> acks = events.stream().<Future<?>>map(e -> producer.send(KafkaProducerRecord.create(
          settings.topic(), e.event().queueId(), EventEnvelope.encode(e.event()).encode()))).toList();
      return Future.all(acks);
    })
        .compose(acked -> store.savePosition(pool, NAME, holder, last, clock.instant()))
        .map(saved -> {
          if (!saved) {
            LOG.info("Another node took the Kafka relay's lease while this node was publishing; it stops");
            cursor = null;
            return false;
          }
          cursor = last;
          return events.size() == BATCH;
        });
  }
}
