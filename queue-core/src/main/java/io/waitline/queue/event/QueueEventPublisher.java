package io.waitline.queue.event;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

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
   * Work for the transaction that appends {@code event}, run before it commits, e.g. a NOTIFY (which PostgreSQL
   * delivers only when the transaction commits); its failure rolls the command back. Nothing by default.
   */
  default Future<?> inTransaction(SqlConnection c, QueueEvent event) {
    return Future.succeededFuture();
  }

  /** {@link #inTransaction(SqlConnection, QueueEvent)} for each of a transaction's events, in order. */
  default Future<?> inTransaction(SqlConnection c, List<QueueEvent> events) {
    Future<?> chain = Future.succeededFuture();
    for (QueueEvent event : events) chain = chain.compose(v -> inTransaction(c, event));
    return chain;
  }
}
