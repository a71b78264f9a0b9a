package io.waitline.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.QueueEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket feeds. Queue and site feeds send a {@code snapshot} (with each queue's seq) and then {@code event}
 * deltas in seq order; {@code since} resumes without a snapshot when the missed events can be replayed. The visit
 * feed sends the patient's own {@code visit} state whenever it changes. All feeds send a {@code heartbeat} every
 * {@link #HEARTBEAT_MS} so clients can tell a quiet feed from a dead one.
 */
final class LiveFeeds {
  static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final QueueCommands commands;
  private final StaffAuth auth;
  private final AtomicInteger open = new AtomicInteger();

  LiveFeeds(Vertx vertx, QueueCommands commands, StaffAuth auth) {
    this.vertx = vertx;
    this.commands = commands;
    this.auth = auth;
  }

  int openSessions() {
    return open.get();
  }

  /** {@code /ws/queues/:queueId?view=staff|display&since=seq} */
  void queueFeed(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    boolean staff = staffView(rc);
    Map<String, Long> since = new HashMap<>();
    String s = rc.request().getParam("since");
    if (s != null) since.put(queueId, parseSeq(s));
    commands.queue(queueId).compose(q -> commands.site(q.siteId()))
        .compose(site -> rc.request().toWebSocket().map(ws -> {
          new FeedSession(ws, staff, QueueApi.showsInitials(site), EventBusPublisher.queueAddress(queueId),
              List.of(queueId)).start(since);
          return null;
        }))
        .onFailure(rc::fail);
  }

  /** {@code /ws/sites/:siteId?view=staff|display&since=queueA:12,queueB:40} */
  void siteFeed(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    boolean staff = staffView(rc);
    Map<String, Long> since = new HashMap<>();
    String s = rc.request().getParam("since");
    if (s != null && !s.isBlank()) {
      for (String part : s.split(",")) {
        String[] kv = part.split(":", 2);
        if (kv.length != 2) throw new Problems.BadRequest("since must look like queueId:seq,queueId:seq.");
        since.put(kv[0], parseSeq(kv[1]));
      }
    }
    commands.site(siteId).compose(site -> commands.queuesOfSite(siteId)
        .compose(queues -> rc.request().toWebSocket().map(ws -> {
          List<String> ids = queues.stream().map(q -> q.id()).toList();
          new FeedSession(ws, staff, QueueApi.showsInitials(site), EventBusPublisher.siteAddress(siteId), ids)
              .start(since);
          return null;
        })))
        .onFailure(rc::fail);
  }

  /** {@code /ws/visits/:token}: one patient's own state, nothing else. */
  void visitFeed(RoutingContext rc) {
    String token = rc.pathParam("token");
    commands.visit(token)
        .compose(first -> rc.request().toWebSocket().map(ws -> {
          new VisitSession(ws, token).start(first);
          return null;
        }))
        .onFailure(rc::fail);
  }

  private boolean staffView(RoutingContext rc) {
    String view = rc.request().getParam("view");
    if (view == null || view.equals("display")) return false;
    if (!view.equals("staff")) throw new Problems.BadRequest("view must be 'staff' or 'display'.");
    auth.require(rc, List.of("front-desk", "clinician", "manager"));
    return true;
  }

  private static long parseSeq(String s) {
    try {
      long v = Long.parseLong(s.trim());
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new Problems.BadRequest("since must be a non-negative whole number (a seq), got '" + s + "'.");
    }
  }

  /** Sends JSON unless the client is too slow to keep up, in which case it is told to reconnect. */
  private static void send(ServerWebSocket ws, JsonObject message) {
    if (ws.isClosed()) return;
    if (ws.writeQueueFull()) {
      ws.close((short) 1013, "client too slow; reconnect with since");
      return;
    }
    ws.writeTextMessage(message.encode());
  }

  private abstract class Session {
    final ServerWebSocket ws;
    MessageConsumer<JsonObject> consumer;
    long heartbeat;

    Session(ServerWebSocket ws) {
      this.ws = ws;
      open.incrementAndGet();
      heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> send(ws, new JsonObject().put("type", "heartbeat")
          .put("at", Instant.now().toString())));
      ws.closeHandler(v -> stop());
      ws.exceptionHandler(err -> ws.close());
      ws.textMessageHandler(text -> { }); // clients only listen; input is ignored
    }

    void listen(String address) {
      if (consumer != null) consumer.unregister();
      consumer = vertx.eventBus().consumer(address, msg -> onEvent(QueueEvent.fromJson(msg.body())));
    }

    abstract void onEvent(QueueEvent event);

    void stop() {
      if (heartbeat >= 0) {
        vertx.cancelTimer(heartbeat);
        heartbeat = -1;
        open.decrementAndGet();
      }
      if (consumer != null) consumer.unregister();
    }

    void fail(Throwable err) {
      String reason = err instanceof QueueException ? err.getMessage() : "feed error; reconnect";
      if (!ws.isClosed()) ws.close((short) 1011, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }

  /** A queue or site feed. */
  private final class FeedSession extends Session {
    private final boolean staff;
    private final boolean initials;
    private final String address;
    private final List<String> queueIds;
    private final EventSequencer sequencer;

    FeedSession(ServerWebSocket ws, boolean staff, boolean initials, String address, List<String> queueIds) {
      super(ws);
      this.staff = staff;
      this.initials = initials;
      this.address = address;
      this.queueIds = queueIds;
      this.sequencer = new EventSequencer(commands, this::sendEvent, this::resyncQueue);
    }

    void start(Map<String, Long> since) {
      listen(address);
      sequencer.enqueue(() -> consumer.completion().compose(v -> initial(since)).onFailure(this::fail));
    }

    /** Replays from {@code since} when every queue can be replayed, otherwise sends one snapshot of all. */
    private Future<Void> initial(Map<String, Long> since) {
      if (since.isEmpty() || !since.keySet().containsAll(queueIds)) return snapshotAll();
      List<Future<Long>> versions = new ArrayList<>();
      for (String id : queueIds) versions.add(commands.queue(id).map(q -> q.version()));
      return Future.all(versions).compose(all -> {
        for (int i = 0; i < queueIds.size(); i++) {
          long current = versions.get(i).result();
          long from = since.get(queueIds.get(i));
          if (from > current || current - from > EventSequencer.MAX_REPLAY) return snapshotAll();
        }
        send(ws, new JsonObject().put("type", "resumed").put("since", new JsonObject(new HashMap<>(since))));
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < queueIds.size(); i++) {
          String id = queueIds.get(i);
          long current = versions.get(i).result();
          chain = chain.compose(v -> sequencer.resume(id, since.get(id), current));
        }
        return chain;
      });
    }

    private Future<Void> snapshotAll() {
      List<Future<JsonObject>> parts = new ArrayList<>();
      for (String id : queueIds) {
        parts.add(commands.snapshot(id).map(s -> {
          sequencer.markDelivered(id, s.seq());
          return QueueApi.snapshotJson(s, staff, initials);
        }));
      }
      return Future.all(parts).map(all -> {
        JsonArray queues = new JsonArray();
        parts.forEach(p -> queues.add(p.result()));
        send(ws, new JsonObject().put("type", "snapshot").put("queues", queues));
        return null;
      });
    }

    private Future<Long> resyncQueue(String queueId) {
      return commands.snapshot(queueId).map(s -> {
        send(ws, new JsonObject().put("type", "snapshot").put("queues", new JsonArray().add(QueueApi.snapshotJson(s, staff, initials))));
        return s.seq();
      });
    }

    private void sendEvent(QueueEvent e) {
      JsonObject p = e.payload().copy();
      JsonObject entry = p.getJsonObject("entry");
      if (entry != null && !staff) {
        // public screens: no names, no patients who have not arrived, initials only if the site shows them
        entry.remove("patient");
        if (!initials) entry.remove("initials");
        if ("expected".equals(entry.getString("status"))) entry = null;
      }
      send(ws, new JsonObject().put("type", "event").put("queueId", e.queueId()).put("seq", e.seq())
          .put("event", e.type()).put("at", e.at().toString())
          .put("entry", entry).put("lineup", p.getJsonArray("lineup")).put("queue", p.getJsonObject("queue")));
    }

    @Override
    void onEvent(QueueEvent event) {
      sequencer.offer(event);
    }
  }

  /** A patient's own feed: sends their visit state when it changes; follows them through a transfer. */
  private final class VisitSession extends Session {
    private final String token;
    private final EventSequencer sequencer;
    private String lastSent;
    private String queueId;
    private String entryId;

    VisitSession(ServerWebSocket ws, String token) {
      super(ws);
      this.token = token;
      this.sequencer = new EventSequencer(commands, e -> { }, q -> refresh());
    }

    void start(VisitView first) {
      follow(first);
      sequencer.enqueue(() -> consumer.completion().compose(v -> refresh()).mapEmpty());
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
        push(VisitApi.json(v));
        return v.queue().version();
      }).recover(err -> {
        if (err instanceof QueueException.Gone || err instanceof QueueException.NotFound) {
          send(ws, new JsonObject().put("type", "ended").put("message", err.getMessage()));
          ws.close((short) 1000, "visit ended");
          return Future.succeededFuture(Long.MAX_VALUE);
        }
        return Future.failedFuture(err);
      });
    }

    private void push(JsonObject visit) {
      String encoded = visit.copy().put("seq", 0).encode(); // compare without seq: only real changes are sent
      if (encoded.equals(lastSent)) return;
      lastSent = encoded;
      send(ws, new JsonObject().put("type", "visit").put("visit", visit));
    }

    @Override
    void onEvent(QueueEvent event) {
      JsonObject entry = event.payload().getJsonObject("entry");
      boolean mine = entry != null && entryId.equals(entry.getString("id"));
      JsonArray lineup = event.payload().getJsonArray("lineup");
      boolean waiting = lineup != null && lineup.stream().anyMatch(o -> entryId.equals(((JsonObject) o).getString("id")));
      // any change of this queue can move the patient; re-read only what concerns them, in order
      if (mine || waiting || event.type().equals("paused") || event.type().equals("resumed")
          || event.type().equals("staff_changed")) {
        sequencer.enqueue(() -> refresh().mapEmpty());
      }
    }
  }
}
