package io.waitline.edge.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.waitline.edge.wire.PublicView;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.QueueEvent;

/**
 * A patient's own feed: sends their {@code visit} state when it changes and follows them through a transfer. A
 * change of this patient's own entry re-reads the visit; any other change of the line moves them by the lineup the
 * event carries (positions and estimates of everyone waiting), so one call does not cost one database read per
 * waiting patient. A patient reconnecting with {@code since} (the seq of the last visit message) whose state has
 * not changed since gets {@code resumed} and nothing more.
 */
final class VisitFeedSession extends FeedSession {
  private final QueueCommands commands;
  private final String token;
  private final EventSequencer sequencer;
  /** The last visit sent, without its seq: only real changes are sent. */
  private JsonObject lastSent;
  private String queueId;
  private String entryId;
  /** The visit as last read or moved by an event, and the queue seq it is as of. */
  private JsonObject current;
  private long currentSeq = -1;

  VisitFeedSession(Vertx vertx, FeedHub hub, QueueCommands commands, ServerWebSocket ws, String token) {
    super(vertx, hub, ws, null, null); // the link itself is checked again whenever the visit is read
    this.commands = commands;
    this.token = token;
    this.sequencer = new EventSequencer(commands, e -> { }, q -> refresh());
  }

  /** Starts from the visit read at the upgrade; {@code since} is the client's seq, or null. */
  void start(VisitView first, Long since) {
    follow(first);
    sequencer.enqueue(() -> listening.compose(v -> heldByClient(first, since)).compose(held -> {
      lastSent = held == null ? null : withoutSeq(held);
      JsonObject resumedFrom = lastSent;
      return refresh().map(read -> {
        boolean nothingSent = resumedFrom != null && resumedFrom == lastSent; // push replaces lastSent when it sends
        if (nothingSent) send(new JsonObject().put("type", "resumed").put("since", since));
        return (Void) null;
      });
    }).onFailure(this::fail));
  }

  /**
   * The visit as the client holds it at {@code since}, or null when that cannot be told (and the client gets the
   * visit again). When no event after {@code since} was about the patient's own entry or moved them into or out of
   * the line, their own facts are today's and their place is the one event {@code since} gave them. A patient moved
   * from another queue is sent the visit again: their seq may be the other queue's.
   */
  private Future<JsonObject> heldByClient(VisitView first, Long since) {
    long seq = first.queue().version();
    JsonObject now = PublicView.visit(first);
    if (since == null || first.entry().transferredFrom() != null || since > seq
        || seq - since > LiveFeeds.VISIT_RESUME_WINDOW) {
      return Future.succeededFuture();
    }
    if (since == seq) return Future.succeededFuture(now);
    return commands.eventsAfter(queueId, since - 1, (int) (seq - since + 1)).map(events -> {
      if (events.isEmpty() || events.get(0).seq() != since) return null;
      for (QueueEvent e : events.subList(1, events.size())) {
        if (PublicView.visitAfter(now, e, entryId) == null) return null;
      }
      return PublicView.visitAt(now, events.get(0), entryId);
    });
  }

  private void follow(VisitView v) {
    entryId = v.entry().id().toString();
    if (!v.queue().id().equals(queueId)) {
      queueId = v.queue().id();
      listen(EventBusPublisher.queueAddress(queueId));
    }
  }

  /** Reads the visit afresh; sends it if it changed. Ends the feed when the visit has ended. */
  private Future<Long> refresh() {
    return commands.visit(token).map(v -> {
      follow(v);
      current = PublicView.visit(v);
      currentSeq = v.queue().version();
      push(current);
      return currentSeq;
    }).recover(err -> {
      if (err instanceof QueueException.Gone || err instanceof QueueException.NotFound) {
        send(new JsonObject().put("type", "ended").put("message", err.getMessage()));
        close((short) 1000, "visit ended");
        return Future.succeededFuture(Long.MAX_VALUE);
      }
      return Future.failedFuture(err);
    });
  }

  /** Applies one event of the followed queue, in arrival order; events older than the state held are ignored. */
  private Future<Void> apply(QueueEvent event) {
    if (!event.queueId().equals(queueId) || event.seq() <= currentSeq) return Future.succeededFuture();
    JsonObject moved = current == null ? null : PublicView.visitAfter(current, event, entryId);
    if (moved == null) return refresh().mapEmpty();
    current = moved;
    currentSeq = event.seq();
    push(moved);
    return Future.succeededFuture();
  }

  private void push(JsonObject visit) {
    JsonObject state = withoutSeq(visit);
    if (state.equals(lastSent)) return;
    lastSent = state;
    send(new JsonObject().put("type", "visit").put("visit", visit));
  }

  /** The visit without its seq, to compare states (as values: replayed events may order their keys otherwise). */
  private static JsonObject withoutSeq(JsonObject visit) {
    JsonObject state = visit.copy();
    state.remove("seq");
    return state;
  }

  @Override
  void onEvent(FeedHub.Delivery delivery) {
    sequencer.enqueue(() -> apply(delivery.event));
  }
}
