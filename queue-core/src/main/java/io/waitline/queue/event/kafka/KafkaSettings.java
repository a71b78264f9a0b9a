package io.waitline.queue.event.kafka;

import java.time.Duration;

/**
 * Where queue events go when a deployment uses Kafka.
 *
 * @param bootstrapServers the brokers to start from ({@code host:port,...})
 * @param topic the queue events' topic (keyed by queue id)
 * @param lease how long the relay's lease lasts unrenewed: how soon another node takes over from a dead relay
 * @param pollEvery how often the relay looks for new events in the log when no command on its own node woke it
 */
public record KafkaSettings(String bootstrapServers, String topic, Duration lease, Duration pollEvery) {
  public static final String DEFAULT_TOPIC = "waitline.queue-events";

  public static KafkaSettings of(String bootstrapServers, String topic) {
    return new KafkaSettings(bootstrapServers, topic, Duration.ofSeconds(15), Duration.ofMillis(100));
  }
}
