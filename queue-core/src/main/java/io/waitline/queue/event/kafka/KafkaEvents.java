package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import java.time.Clock;
import java.util.UUID;

/**
 * Shares committed events between nodes through Kafka: the choice to {@link io.waitline.queue.event.PgNotifyRelay}
 * when a deployment configures brokers. Every node runs a relay of the event log to the topic (one of them, the
 * lease holder, publishes) and a consumer feeding its local listeners; its own events reach them at once.
 */
public final class KafkaEvents implements QueueEventPublisher {
  private final KafkaOutboxRelay relay;
  private final KafkaEventFeed feed;

  private KafkaEvents(KafkaOutboxRelay relay, KafkaEventFeed feed) {
    this.relay = relay;
    this.feed = feed;
  }

  /**
   * Starts this node's relay and consumer; completes once subscribed (brokers that are down are waited for).
   *
   * @param node this node's name (host and process), which the relay's lease holder starts with
   * @param clock the lease's clock
   * @param local delivers events on this node
   */
  public static Future<KafkaEvents> start(Vertx vertx, Pool pool, QueueStore store, KafkaSettings settings,
      String node, Clock clock, QueueEventPublisher local) {
    // unique per start, even for two nodes in one process: two relays never share a lease
    String instance = UUID.randomUUID().toString();
    KafkaOutboxRelay relay = KafkaOutboxRelay.start(vertx, pool, settings, node + " " + instance.substring(0, 8),
        clock);
    // a group of its own per start: a restarted node never waits for its dead predecessor to leave the group
    return KafkaEventFeed.start(vertx, settings, "waitline-node-" + instance, pool, store, local)
        .map(feed -> new KafkaEvents(relay, feed));
  }

  /** An event of this node's commands, just committed: to local listeners now, to the topic at the relay's pass. */
  @Override
  public void publish(QueueEvent event) {
    feed.publish(event);
    relay.wake();
  }

  /** Stops publishing (giving the relay's lease up) and consuming. */
  public Future<Void> close() {
    return Future.join(relay.close(), feed.close()).mapEmpty();
  }
}
