package io.waitline.queue.event.kafka;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.store.QueueStore;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each queue's events to a publisher once and in seq order, however often and in whatever order they arrive
 * (from this node's commands and from the topic): an event at or below the last one handed on is a duplicate and
 * dropped; one past a gap first brings the missing events from the event log, by seq. Each queue's offers are handled
 * one after the other. It starts from each queue's seq when it is made ({@link #seed}): what came before is on the
 * screens already (they start from a snapshot); a queue it does not know had no event yet.
 */
final class SeqGate {
  private static final Logger LOG = LoggerFactory.getLogger(SeqGate.class);
  /** The most events one gap brings from the database; past that the oldest are skipped (screens resync). */
  static final int GAP_FILL_LIMIT = 500;

  private final QueueEventPublisher local;
  private final SqlClient db;
  private final QueueStore store;
  private final int pageBytes;
  /** Per queue: the last seq handed on, and the end of the chain of offers still being handled. */
  private final Map<String, Long> delivered = new HashMap<>();
  private final Map<String, Future<Void>> tails = new HashMap<>();

  SeqGate(QueueEventPublisher local, SqlClient db, QueueStore store) {
    this(local, db, store, QueueCommands.EVENTS_PAGE_BYTES);
  }

  /** With gaps read in pages of about {@code pageBytes} of events ({@link QueueCommands#EVENTS_PAGE_BYTES} by default). */
  SeqGate(QueueEventPublisher local, SqlClient db, QueueStore store, int pageBytes) {
    this.local = local;
    this.db = db;
    this.store = store;
    this.pageBytes = pageBytes;
  }

  /** Each queue's last seq at the start. */
  synchronized void seed(Map<String, Long> lastSeqs) {
    delivered.putAll(lastSeqs);
  }

  /** Completes when the event is handed on or dropped. */
  synchronized Future<Void> offer(QueueEvent event) {
    Future<Void> tail = tails.getOrDefault(event.queueId(), Future.succeededFuture())
        .transform(previous -> handle(event));
    tails.put(event.queueId(), tail);
    return tail;
  }

  private Future<Void> handle(QueueEvent event) {
    long last = last(event.queueId());
    if (event.seq() <= last) return Future.succeededFuture();
    if (event.seq() == last + 1) {
      handOn(event);
      return Future.succeededFuture();
    }
    long from = Math.max(last, event.seq() - 1 - GAP_FILL_LIMIT);
    return fill(event.queueId(), from, event.seq() - 1)
        .transform(filled -> {
          if (filled.failed()) {
            LOG.warn("Could not read events {}..{} of queue {} missing before {} (screens resync): {}", last + 1,
                event.seq() - 1, event.queueId(), event.seq(), filled.cause().getMessage());
          }
          handOn(event);
          return Future.succeededFuture();
        });
  }

  /** Hands on the logged events after {@code after} up to {@code upTo}, a page at a time. */
  private Future<Void> fill(String queueId, long after, long upTo) {
    if (after >= upTo) return Future.succeededFuture();
    return store.eventsPage(db, queueId, after, (int) (upTo - after), pageBytes).compose(found -> {
      if (found.isEmpty()) return Future.succeededFuture();
      found.forEach(this::handOn);
      return fill(queueId, found.get(found.size() - 1).seq(), upTo);
    });
  }

  private synchronized long last(String queueId) {
    return delivered.getOrDefault(queueId, 0L);
  }

  private void handOn(QueueEvent event) {
    synchronized (this) {
      if (event.seq() <= delivered.getOrDefault(event.queueId(), 0L)) return;
      delivered.put(event.queueId(), event.seq());
    }
    local.publish(event);
  }
}
