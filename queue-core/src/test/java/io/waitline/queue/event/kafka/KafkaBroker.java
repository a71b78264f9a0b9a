package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.store.QueueStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link KafkaTestBroker} for one test class ({@code @RegisterExtension static final KafkaBroker kafka = new
 * KafkaBroker();}): started before its first test, killed and deleted after its last.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
  private KafkaTestBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = KafkaTestBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) broker.close();
  }

  public KafkaTestBroker broker() {
    return broker;
  }

  /**
   * A node's Kafka relays of {@code outboxes} (each to its default topic, {@code waitline.<lease name>}) and of the
   * queue events, as a node that uses Kafka starts them; close it at the end of the test.
   */
  public Future<KafkaEvents> relays(Vertx vertx, Pool pool, Clock clock, Outbox... outboxes) {
    KafkaSettings settings = new KafkaSettings(broker.bootstrapServers(), KafkaSettings.DEFAULT_TOPIC,
        Duration.ofSeconds(15), Duration.ofMillis(50), Map.of());
    return KafkaEvents.start(vertx, pool, new QueueStore(), settings, "node", clock, e -> { }, List.of(outboxes));
  }

  /** The records of {@code topic} once there are at least {@code n}, see {@link KafkaTestBroker#awaitRecords}. */
  public List<ConsumerRecord<String, String>> awaitRecords(String topic, int n) {
    return broker.awaitRecords(topic, n);
  }
}
