package io.waitline.queue.event;

/**
 * Hands committed events to listeners. Called only after the transaction that wrote them committed; may deliver
 * events of one queue out of order or more than once, so listeners order and dedupe by seq (gaps are filled from
 * the event log). In one node this is the Vert.x event bus ({@link EventBusPublisher}); across the nodes of one
 * database, {@link PgNotifyRelay} wraps it, or {@link io.waitline.queue.event.kafka.KafkaEvents} when Kafka is
 * configured.
 */
public interface QueueEventPublisher {
  void publish(QueueEvent event);

  /**
   * A NOTIFY to send with the statement that appends {@code event}, so in its transaction (PostgreSQL delivers it when,
   * and only if, that transaction commits); null, the default, for none.
   */
  default Notice notice(QueueEvent event) {
    return null;
  }

  /** A notification on a PostgreSQL channel. */
  record Notice(String channel, String payload) {}
}
