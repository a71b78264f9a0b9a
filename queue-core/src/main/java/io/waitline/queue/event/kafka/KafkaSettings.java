package io.waitline.queue.event.kafka;

import io.waitline.queue.outbox.Outbox;
import java.time.Duration;
import java.util.Map;

/**
 * Where queue events and the modules' outcomes go when a deployment uses Kafka.
 *
 * @param bootstrapServers the brokers to start from ({@code host:port,...})
 * @param topic the queue events' topic (keyed by queue id)
 * @param lease how long a relay's lease lasts unrenewed: how soon another node takes over from a dead relay
 * @param pollEvery how often a relay looks for new records when no change on its own node woke it
 * @param outboxTopics the topic of each outbox by its lease name; an outbox not named goes to
 *     {@code waitline.<lease name>}
 */
public record KafkaSettings(String bootstrapServers, String topic, Duration lease, Duration pollEvery,
    Map<String, String> outboxTopics) {
  public static final String DEFAULT_TOPIC = "waitline.queue-events";

  public KafkaSettings {
    outboxTopics = Map.copyOf(outboxTopics);
  }

  public static KafkaSettings of(String bootstrapServers, String topic, Map<String, String> outboxTopics) {
    return new KafkaSettings(bootstrapServers, topic, Duration.ofSeconds(15), Duration.ofMillis(100), outboxTopics);
  }

  /** The default topic of an outbox: {@code waitline.} and its lease name. */
  public static String defaultTopic(String lease) {
    return "waitline." + lease;
  }

  /** The topic {@code outbox} is published to. */
  public String topicOf(Outbox outbox) {
    return outboxTopics.getOrDefault(outbox.lease(), defaultTopic(outbox.lease()));
  }
}
