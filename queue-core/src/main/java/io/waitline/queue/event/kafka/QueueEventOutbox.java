package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.outbox.OutboxRecord;
import java.util.List;

/** The queue event log as an outbox: each event as an {@link EventEnvelope}, keyed by its queue. */
final class QueueEventOutbox implements Outbox {
  /** The relay's row in {@code event_relay} (named before there were other outboxes). */
  static final String LEASE = "kafka";

  private final EventLog log = new EventLog();

  @Override
  public String lease() {
    return LEASE;
  }

  @Override
  public String what() {
    return "queue events";
  }

  @Override
  public Future<List<OutboxRecord>> after(SqlClient c, LogCursor cursor, int limit) {
    return log.after(c, cursor, limit).map(events -> events.stream()
        .map(e -> new OutboxRecord(e.cursor(), e.event().queueId(), EventEnvelope.encode(e.event()))).toList());
  }
}
