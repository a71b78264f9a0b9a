package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.store.QueueStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Shares committed events between nodes through Kafka: the choice to {@link io.waitline.queue.event.PgNotifyRelay}
 * when a deployment configures brokers. Every node runs a relay of the event log to the topic (one of them, the
 * lease holder, publishes) and a consumer feeding its local listeners; its own events reach them at once. The
 * modules' outcome outboxes are relayed the same way, each to its own topic, through the same producer.
 */
public final class KafkaEvents implements QueueEventPublisher {
  private static final long CLOSE_MS = 2_000;

  private final KafkaProducer<String, String> producer;
  private final KafkaOutboxRelay events;
  private final List<KafkaOutboxRelay> outcomes;
  private final KafkaEventFeed feed;

  private KafkaEvents(KafkaProducer<String, String> producer, KafkaOutboxRelay events,
      List<KafkaOutboxRelay> outcomes, KafkaEventFeed feed) {
    this.producer = producer;
    this.events = events;
    this.outcomes = outcomes;
    this.feed = feed;
  }

  /**
   * Starts this node's relays and consumer; completes once subscribed (brokers that are down are waited for).
   *
   * @param node this node's name (host and process), which the relays' lease holder starts with
   * @param clock the leases' clock
   * @param local delivers events on this node
   * @param outboxes the modules' outcome outboxes, each published to {@link KafkaSettings#topicOf} its topic
   */
  public static Future<KafkaEvents> start(Vertx vertx, Pool pool, QueueStore store, KafkaSettings settings,
      String node, Clock clock, QueueEventPublisher local, List<Outbox> outboxes) {
    // unique per start, even for two nodes in one process: two relays never share a lease
    String instance = UUID.randomUUID().toString();
    String holder = node + " " + instance.substring(0, 8);
    KafkaProducer<String, String> producer = KafkaOutboxRelay.producer(vertx, settings, holder);
    KafkaOutboxRelay events = KafkaOutboxRelay.start(vertx, pool, producer, new QueueEventOutbox(), settings.topic(),
        settings, holder, clock);
    List<KafkaOutboxRelay> outcomes = outboxes.stream().map(o -> KafkaOutboxRelay.start(vertx, pool, producer, o,
        settings.topicOf(o), settings, holder, clock)).toList();
    // a group of its own per start: a restarted node never waits for its dead predecessor to leave the group
    return KafkaEventFeed.start(vertx, settings, "waitline-node-" + instance, pool, store, local)
        .map(feed -> new KafkaEvents(producer, events, outcomes, feed));
  }

  /** An event of this node's commands, just committed: to local listeners now, to the topic at the relay's pass. */
  @Override
  public void publish(QueueEvent event) {
    feed.publish(event);
    events.wake();
  }

  /** Stops publishing (giving the relays' leases up) and consuming. */
  public Future<Void> close() {
    List<Future<Void>> relays = new ArrayList<>();
    relays.add(events.close());
    outcomes.forEach(r -> relays.add(r.close()));
    relays.add(feed.close());
    return Future.join(relays).eventually(() -> producer.close(CLOSE_MS)).mapEmpty();
  }
}
