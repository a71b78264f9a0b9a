package io.waitline.edge.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.edge.wire.PublicView;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.QueueEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * A queue or site feed: subscribes first, then sends a {@code snapshot} of its queues with each one's seq, then
 * every event as {@code event} deltas in seq order (through {@link EventSequencer}). A client that says where it is
 * ({@link FeedSince}) gets {@code resumed} and only what it missed, or a fresh snapshot when that cannot be
 * replayed.
 */
final class QueueFeedSession extends FeedSession {
  private final QueueCommands commands;
  private final View view;
  private final String address;
  private final List<String> queueIds;
  private final EventSequencer sequencer;

  /**
   * @param address the event-bus address of the queue or site
   * @param queueIds the queues the feed shows
   */
  QueueFeedSession(Vertx vertx, FeedHub hub, QueueCommands commands, ServerWebSocket ws,
      Supplier<Future<Boolean>> stillAllowed, View view, String address, List<String> queueIds) {
    super(vertx, hub, ws, stillAllowed);
    this.commands = commands;
    this.view = view;
    this.address = address;
    this.queueIds = queueIds;
    this.sequencer = new EventSequencer(commands, this::sendEvent, this::resyncQueue);
  }

  void start(FeedSince since) {
    listen(address);
    sequencer.enqueue(() -> listening.compose(v -> initial(since)).onFailure(this::fail));
  }

  /** Replays from {@code since} when every queue can be replayed, otherwise sends one snapshot of all. */
  private Future<Void> initial(FeedSince since) {
    if (!since.covers(queueIds)) return snapshotAll();
    List<Future<Long>> versions = new ArrayList<>();
    for (String id : queueIds) versions.add(commands.queue(id).map(q -> q.version()));
    return Future.all(versions).compose(all -> {
      for (int i = 0; i < queueIds.size(); i++) {
        if (!EventSequencer.canReplay(since.of(queueIds.get(i)), versions.get(i).result())) return snapshotAll();
      }
      send(new JsonObject().put("type", "resumed").put("since", new JsonObject(new HashMap<>(since.seqs()))));
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < queueIds.size(); i++) {
        String id = queueIds.get(i);
        long current = versions.get(i).result();
        chain = chain.compose(v -> sequencer.resume(id, since.of(id), current));
      }
      return chain;
    });
  }

  private Future<Void> snapshotAll() {
    List<Future<JsonObject>> parts = new ArrayList<>();
    for (String id : queueIds) {
      parts.add(commands.snapshot(id).map(s -> {
        sequencer.markDelivered(id, s.seq());
        return PublicView.snapshot(s, view);
      }));
    }
    return Future.all(parts).map(all -> {
      JsonArray queues = new JsonArray();
      parts.forEach(p -> queues.add(p.result()));
      send(new JsonObject().put("type", "snapshot").put("queues", queues));
      return null;
    });
  }

  /** A fresh snapshot of one queue, when the gap in its events is too large to replay; yields its seq. */
  private Future<Long> resyncQueue(String queueId) {
    return commands.snapshot(queueId).map(s -> {
      send(new JsonObject().put("type", "snapshot").put("queues", new JsonArray().add(PublicView.snapshot(s, view))));
      return s.seq();
    });
  }

  /** Sends an event as this feed's view shows it; feeds with the same view share one encoding. */
  private void sendEvent(QueueEvent e) {
    send(hub.encoded(e, view));
  }

  @Override
  void onEvent(QueueEvent event) {
    sequencer.offer(event);
  }
}
