package io.waitline.edge.feed;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.VertxConnection;
import io.waitline.edge.wire.PublicView;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A queue or site feed: subscribes first, then sends a {@code snapshot} of its queues with each one's seq, then
 * every event in seq order (through {@link EventSequencer}): in protocol 1 as {@code event} with the whole line, in
 * protocol 2 as {@code delta}, what the event changed ({@link io.waitline.edge.wire.ViewDelta}). A client that says
 * where it is ({@link FeedSince}) gets {@code resumed} and only what it missed, or a fresh snapshot when that cannot
 * be replayed.
 */
final class QueueFeedSession extends FeedSession {
  /** The protocol whose frames carry what changed; protocol 1 sends each event with the whole line. */
  static final int DELTAS = 2;

  private final QueueCommands commands;
  private final View view;
  private final String address;
  private final List<String> queueIds;
  private final int protocol;
  private final EventSequencer sequencer;
  /** Protocol 2: per queue, the event the client's view is at (null before the queue's first), the next delta's base. */
  private final Map<String, QueueEvent> base = new HashMap<>(2);

  /**
   * @param address the event-bus address of the queue or site
   * @param queueIds the queues the feed shows
   * @param protocol 1 or {@link #DELTAS}
   */
  QueueFeedSession(Vertx vertx, FeedHub hub, QueueCommands commands, ServerWebSocket ws, VertxConnection frames,
      CredentialChecks.Grant grant, View view, String address, List<String> queueIds, int protocol) {
    super(vertx, hub, ws, frames, grant);
    this.commands = commands;
    this.view = view;
    this.address = address;
    this.queueIds = queueIds;
    this.protocol = protocol;
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
      return resumeBases(since).compose(found -> {
        if (!found) return snapshotAll();
        send(new JsonObject().put("type", "resumed").put("since", new JsonObject(new HashMap<>(since.seqs()))));
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < queueIds.size(); i++) {
          String id = queueIds.get(i);
          long current = versions.get(i).result();
          chain = chain.compose(v -> sequencer.resume(id, since.of(id), current));
        }
        return chain;
      });
    });
  }

  /** Protocol 2: reads the events the client says it is at, the bases of the deltas to come; false if one is gone. */
  private Future<Boolean> resumeBases(FeedSince since) {
    if (protocol != DELTAS) return Future.succeededFuture(true);
    List<Future<QueueEvent>> events = new ArrayList<>();
    for (String id : queueIds) events.add(eventAt(id, since.of(id)));
    return Future.all(events).map(all -> {
      for (int i = 0; i < queueIds.size(); i++) {
        QueueEvent at = events.get(i).result();
        if (at == null && since.of(queueIds.get(i)) > 0) return false;
        base.put(queueIds.get(i), at);
      }
      return true;
    });
  }

  /** The queue's event with {@code seq}; null for seq 0 (before its first event) or when the log has none. */
  private Future<QueueEvent> eventAt(String queueId, long seq) {
    if (seq == 0) return Future.succeededFuture();
    return commands.eventsAfter(queueId, seq - 1, 1)
        .map(events -> events.isEmpty() || events.get(0).seq() != seq ? null : hub.shared(events.get(0)));
  }

  private Future<Void> snapshotAll() {
    List<Future<JsonObject>> parts = new ArrayList<>();
    for (String id : queueIds) {
      parts.add(queueNow(id).map(s -> {
        sequencer.markDelivered(id, s.getLong("seq"));
        return s;
      }));
    }
    return Future.all(parts).map(all -> {
      JsonArray queues = new JsonArray();
      parts.forEach(p -> queues.add(p.result()));
      send(snapshot(queues));
      return null;
    });
  }

  /** A fresh snapshot of one queue, when the gap in its events is too large to replay; yields its seq. */
  private Future<Long> resyncQueue(String queueId) {
    return queueNow(queueId).map(s -> {
      send(snapshot(new JsonArray().add(s)));
      return s.getLong("seq");
    });
  }

  private JsonObject snapshot(JsonArray queues) {
    JsonObject snapshot = new JsonObject().put("type", "snapshot");
    if (protocol == DELTAS) snapshot.put("protocol", DELTAS);
    return snapshot.put("queues", queues);
  }

  /**
   * One queue as this feed's view shows it now. Protocol 2 gives the line as the snapshot's own event announced it
   * (whenever the snapshot was read, every client at that seq holds the same line) and keeps that event as the base.
   */
  private Future<JsonObject> queueNow(String queueId) {
    return commands.snapshot(queueId).compose(s -> {
      if (protocol != DELTAS) return Future.succeededFuture(PublicView.snapshot(s, view));
      return eventAt(queueId, s.seq()).map(at -> {
        base.put(queueId, at);
        return PublicView.view(s, at == null ? List.of() : lineOf(at.payload()), view);
      });
    });
  }

  private static List<UUID> lineOf(QueueEventPayload payload) {
    return payload.lineup().stream().map(QueueEventPayload.Place::entryId).toList();
  }

  /** Sends an event read or held back by the sequencer; feeds with the same view share one encoding. */
  private void sendEvent(QueueEvent e) {
    if (protocol != DELTAS) {
      send(hub.encoded(e, view));
      return;
    }
    send(hub.delta(base.get(e.queueId()), e, view));
    base.put(e.queueId(), hub.shared(e));
  }

  /**
   * A feed in step with its queue (the usual case) writes the delivery's frame, encoded once for the loop's feeds, at
   * once; one behind, resyncing or still starting hands the event to its sequencer.
   */
  @Override
  void onEvent(FeedHub.Delivery delivery) {
    QueueEvent e = delivery.event;
    if (!sequencer.takeNext(e)) {
      sequencer.offer(e);
      return;
    }
    send(delivery.frame(view, protocol == DELTAS, base.get(e.queueId())));
    if (protocol == DELTAS) base.put(e.queueId(), e); // the hub's shared copy
  }
}
