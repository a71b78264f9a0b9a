package io.waitline.edge.feed;

import io.vertx.core.Future;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.QueueEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns events as the bus delivers them (possibly late, twice, or out of order) into each queue's events exactly
 * once and in seq order. A gap is filled from the event log; a gap too large to replay asks for a resync instead.
 * Work is chained, so one session never handles two events at once.
 */
public final class EventSequencer {
  /** Beyond this many missing events a client gets a fresh snapshot instead of a replay. */
  public static final int MAX_REPLAY = 500;

  private final QueueCommands commands;
  private final Consumer<QueueEvent> deliver;
  private final Function<String, Future<Long>> resync;
  /** Sized for one queue, a feed's usual count (a site's feed grows it). */
  private final Map<String, Long> lastSeq = new HashMap<>(2);
  private Future<Void> tail = Future.succeededFuture();

  /**
   * @param deliver receives events in order
   * @param resync rebuilds a queue's state from a snapshot and returns the snapshot's seq
   */
  EventSequencer(QueueCommands commands, Consumer<QueueEvent> deliver, Function<String, Future<Long>> resync) {
    this.commands = commands;
    this.deliver = deliver;
    this.resync = resync;
  }

  /** Runs {@code step} after everything already queued (used for the initial snapshot or replay). */
  void enqueue(Supplier<Future<Void>> step) {
    tail = tail.transform(ignored -> step.get());
  }

  void markDelivered(String queueId, long seq) {
    lastSeq.put(queueId, seq);
  }

  void offer(QueueEvent event) {
    enqueue(() -> handle(event));
  }

  /**
   * When nothing is queued and {@code event} is its queue's next, records it as delivered and says so: the caller
   * sends it at once, with no step chained. Otherwise the caller {@link #offer}s it.
   */
  boolean takeNext(QueueEvent event) {
    Long last = lastSeq.get(event.queueId());
    if (!tail.isComplete() || last == null || event.seq() != last + 1) return false;
    lastSeq.put(event.queueId(), event.seq());
    return true;
  }

  /** Sends what a client resuming from {@code since} missed, or resyncs when that is too much or impossible. */
  Future<Void> resume(String queueId, long since, long currentSeq) {
    if (!canReplay(since, currentSeq)) return doResync(queueId);
    lastSeq.put(queueId, since);
    return replay(queueId, currentSeq);
  }

  /** Whether a client at {@code since} can be brought to {@code currentSeq} by replaying the events between. */
  static boolean canReplay(long since, long currentSeq) {
    return since <= currentSeq && currentSeq - since <= MAX_REPLAY;
  }

  private Future<Void> handle(QueueEvent e) {
    Long last = lastSeq.get(e.queueId());
    if (last == null) return doResync(e.queueId()); // a queue this session has no state for, e.g. new at a site
    if (e.seq() <= last) return Future.succeededFuture(); // duplicate or already replayed
    if (e.seq() == last + 1) {
      send(e);
      return Future.succeededFuture();
    }
    if (e.seq() - last > MAX_REPLAY) return doResync(e.queueId());
    return replay(e.queueId(), e.seq());
  }

  /**
   * Sends the events after the last delivered up to {@code upTo}, a page of the log at a time (so one resuming feed
   * never holds more than a page), stopping at a gap in the log.
   */
  private Future<Void> replay(String queueId, long upTo) {
    long from = lastSeq.get(queueId);
    if (upTo <= from) return Future.succeededFuture();
    return commands.eventsPage(queueId, from, (int) (upTo - from), QueueCommands.EVENTS_PAGE_BYTES).compose(events -> {
      for (QueueEvent ev : events) {
        if (ev.seq() == lastSeq.get(queueId) + 1) send(ev);
      }
      return lastSeq.get(queueId) == from ? Future.succeededFuture() : replay(queueId, upTo);
    });
  }

  private Future<Void> doResync(String queueId) {
    return resync.apply(queueId).map(seq -> {
      lastSeq.put(queueId, seq);
      return null;
    });
  }

  private void send(QueueEvent e) {
    lastSeq.put(e.queueId(), e.seq());
    deliver.accept(e);
  }
}
