package io.waitline.edge.feed;

import io.waitline.edge.pipeline.AccessGuard;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.wire.PublicView;
import io.waitline.edge.wire.PublicView.View;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.Principal;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.EventBusPublisher;
import io.waitline.queue.event.QueueEvent;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket feeds. Queue and site feeds send a {@code snapshot} (with each queue's seq) and then {@code event}
 * deltas in seq order; {@code since} resumes without a snapshot when the missed events can be replayed. The visit
 * feed sends the patient's own {@code visit} state whenever it changes. All feeds send a {@code heartbeat} every
 * {@link #HEARTBEAT_MS} so clients can tell a quiet feed from a dead one.
 *
 * <p>Who may listen: {@code view=display} needs a display device of the site or staff with a role there;
 * {@code view=staff} (patient names) needs front-desk, clinician or manager there (or admin), and is written to the
 * audit log. Upgrades authenticated by the session cookie must come from this server's own pages (Origin), so another
 * web site cannot open a feed with a signed-in browser's cookie. A revoked device's feeds close at once.
 */
public final class LiveFeeds {
  public static final long HEARTBEAT_MS = 15_000;
  private static final int ENCODED_EVENTS_KEPT = 256;
  private static final List<String> DISPLAY_VIEW = List.of("display", "staff");
  private static final List<String> STAFF_VIEW = List.of("front-desk", "clinician", "manager");

  private final Vertx vertx;
  private final QueueCommands commands;
  private final AccessGuard guard;
  private final AuditTrail audit;
  private final String publicUrl;
  private final AtomicInteger open = new AtomicInteger();
  /** Open feeds of each device, to close them when the device is revoked. */
  private final Map<String, Set<Session>> byDevice = new ConcurrentHashMap<>();
  /** One event-bus consumer per address, however many feeds listen there (the bus copies a message per consumer). */
  private final Map<String, Listeners> listeners = new ConcurrentHashMap<>();
  /** Events as sent to queue feeds, encoded once per view rather than once per feed; the most recent only. */
  private final Map<String, String> encodedEvents = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ENCODED_EVENTS_KEPT;
    }
  });

  public LiveFeeds(Vertx vertx, QueueCommands commands, AccessGuard guard, AuditTrail audit, String publicUrl) {
    this.vertx = vertx;
    this.commands = commands;
    this.guard = guard;
    this.audit = audit;
    this.publicUrl = publicUrl;
    vertx.eventBus().<String>consumer(AccessGuard.DEVICE_REVOKED_ADDRESS, msg -> {
      Set<Session> feeds = byDevice.remove(msg.body());
      if (feeds != null) feeds.forEach(f -> f.ws.close((short) 1008, "device revoked"));
    });
  }

  int openSessions() {
    return open.get();
  }

  /** {@code /ws/queues/:queueId?view=staff|display&since=seq} */
  public void queueFeed(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    boolean staff = staffView(rc);
    Map<String, Long> since = new HashMap<>();
    String s = rc.request().getParam("since");
    if (s != null) since.put(queueId, parseSeq(s));
    allowed(rc, staff, () -> guard.siteOfQueue(queueId), new JsonObject().put("queueId", queueId))
        .compose(siteId -> commands.site(siteId))
        .compose(site -> rc.request().toWebSocket().map(ws -> {
          new FeedSession(ws, Caller.of(rc), stillAllowed(rc, staff), View.of(staff, site),
              EventBusPublisher.queueAddress(queueId), List.of(queueId)).start(since);
          return null;
        }))
        .onFailure(rc::fail);
  }

  /** {@code /ws/sites/:siteId?view=staff|display&since=queueA:12,queueB:40} */
  public void siteFeed(RoutingContext rc) {
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
    allowed(rc, staff, () -> commands.site(siteId).map(site -> site.id()), new JsonObject())
        .compose(id -> commands.site(siteId)).compose(site -> commands.queuesOfSite(siteId)
        .compose(queues -> rc.request().toWebSocket().map(ws -> {
          List<String> ids = queues.stream().map(q -> q.id()).toList();
          new FeedSession(ws, Caller.of(rc), stillAllowed(rc, staff), View.of(staff, site),
              EventBusPublisher.siteAddress(siteId), ids).start(since);
          return null;
        })))
        .onFailure(rc::fail);
  }

  /** {@code /ws/visits/:token}: one patient's own state, nothing else. */
  public void visitFeed(RoutingContext rc) {
    String token = rc.pathParam("token");
    commands.visit(token)
        .compose(first -> rc.request().toWebSocket().map(ws -> {
          audit.recordPatient(rc, "openVisitFeed", first.entry().id(), first.site().id());
          new VisitSession(ws, token).start(first);
          return null;
        }))
        .onFailure(rc::fail);
  }

  private static boolean staffView(RoutingContext rc) {
    String view = rc.request().getParam("view");
    if (view == null || view.equals("display")) return false;
    if (!view.equals("staff")) throw new Problems.BadRequest("view must be 'staff' or 'display'.");
    return true;
  }

  /**
   * Whether the caller may open this feed of the site {@code site} yields; a staff view is written to the audit log.
   * Yields the site id, or fails with the 401/403 to refuse the upgrade with.
   */
  private Future<String> allowed(RoutingContext rc, boolean staff, Supplier<Future<String>> site,
      JsonObject detail) {
    List<String> access = staff ? STAFF_VIEW : DISPLAY_VIEW;
    return guard.authenticate(rc, true).compose(caller -> {
      if (caller instanceof Principal.Anonymous) return Future.failedFuture(AccessGuard.refuse(access, caller, null));
      AccessGuard.Credential credential = AccessGuard.credential(rc);
      if (credential.source() == AccessGuard.Source.COOKIE && !sameOrigin(rc)) {
        return Future.failedFuture(new AccessException(403, "forbidden", "This live feed may only be opened from "
            + publicUrl + "'s own pages."));
      }
      return site.get().compose(siteId -> {
        Caller.site(rc, siteId);
        AccessException refused = AccessGuard.refuse(access, caller, siteId);
        if (refused != null) return Future.failedFuture(refused);
        if (staff) audit.record(rc, "openStaffFeed", 101, detail.put("view", "staff"));
        return Future.succeededFuture(siteId);
      });
    });
  }

  /**
   * Whether the credential that opened this feed still holds and still allows it: asked on every heartbeat, so that
   * signing out, an expired session, a disabled account, a removed role or a device revoked on another node closes
   * the feed within one heartbeat.
   */
  private Supplier<Future<Boolean>> stillAllowed(RoutingContext rc, boolean staff) {
    AccessGuard.Credential credential = AccessGuard.credential(rc);
    List<String> access = staff ? STAFF_VIEW : DISPLAY_VIEW;
    String siteId = Caller.site(rc);
    return () -> guard.recheck(credential).map(p -> AccessGuard.refuse(access, p, siteId) == null).otherwise(false);
  }

  /** The upgrade's Origin is this server: its public URL, or the host the request was sent to. */
  private boolean sameOrigin(RoutingContext rc) {
    String origin = rc.request().getHeader("Origin");
    if (origin == null) return false;
    try {
      URI o = URI.create(origin);
      URI own = URI.create(publicUrl);
      if (o.getRawAuthority() == null) return false;
      boolean publicOrigin = o.getScheme().equalsIgnoreCase(own.getScheme())
          && o.getRawAuthority().equalsIgnoreCase(own.getRawAuthority());
      if (publicOrigin) return true;
      String host = rc.request().getHeader("Host");
      return host != null && o.getRawAuthority().equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
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
    send(ws, message.encode());
  }

  private static void send(ServerWebSocket ws, String encoded) {
    if (ws.isClosed()) return;
    if (ws.writeQueueFull()) {
      ws.close((short) 1013, "client too slow; reconnect with since");
      return;
    }
    ws.writeTextMessage(encoded);
  }

  /** The feeds listening at one event-bus address, and the one consumer that hands each event to all of them. */
  private final class Listeners {
    final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    final MessageConsumer<JsonObject> consumer;

    Listeners(String address) {
      consumer = vertx.eventBus().consumer(address, msg -> {
        QueueEvent event = QueueEvent.fromJson(msg.body());
        // each feed handles the (shared, read-only) event on its own event loop, as if it had its own consumer
        for (Session s : sessions) s.context.runOnContext(v -> s.onEvent(event));
      });
    }
  }

  /** Adds a feed to an address's listeners; completes once the address's consumer is registered. */
  private Future<Void> join(String address, Session session) {
    Listeners joined = listeners.compute(address, (a, existing) -> {
      Listeners l = existing != null ? existing : new Listeners(a);
      l.sessions.add(session);
      return l;
    });
    return joined.consumer.completion();
  }

  private void leave(String address, Session session) {
    listeners.computeIfPresent(address, (a, l) -> {
      l.sessions.remove(session);
      if (!l.sessions.isEmpty()) return l;
      l.consumer.unregister();
      return null;
    });
  }

  private abstract class Session {
    final ServerWebSocket ws;
    final String device;
    final Context context = vertx.getOrCreateContext();
    /** The address listened at, and when listening there began. */
    String address;
    Future<Void> listening;
    long heartbeat;

    /** @param stillAllowed asked on every heartbeat; the feed closes (1008) when it says no; null: nothing to ask */
    Session(ServerWebSocket ws, Principal caller, Supplier<Future<Boolean>> stillAllowed) {
      this.ws = ws;
      this.device = caller instanceof Principal.Device d ? d.id() : null;
      if (device != null) byDevice.computeIfAbsent(device, id -> ConcurrentHashMap.newKeySet()).add(this);
      open.incrementAndGet();
      heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> {
        send(ws, new JsonObject().put("type", "heartbeat").put("at", Instant.now().toString()));
        if (stillAllowed != null) {
          stillAllowed.get().onSuccess(allowed -> {
            if (!allowed && !ws.isClosed()) ws.close((short) 1008, "sign-in ended or no longer allowed");
          });
        }
      });
      ws.closeHandler(v -> stop());
      ws.exceptionHandler(err -> ws.close());
      ws.textMessageHandler(text -> { }); // clients only listen; input is ignored
    }

    void listen(String address) {
      if (this.address != null) leave(this.address, this);
      this.address = address;
      listening = join(address, this);
    }

    abstract void onEvent(QueueEvent event);

    void stop() {
      if (heartbeat >= 0) {
        vertx.cancelTimer(heartbeat);
        heartbeat = -1;
        open.decrementAndGet();
      }
      if (address != null) leave(address, this);
      if (device != null) {
        Set<Session> feeds = byDevice.get(device);
        if (feeds != null) feeds.remove(this);
      }
    }

    void fail(Throwable err) {
      String reason = err instanceof QueueException ? err.getMessage() : "feed error; reconnect";
      if (!ws.isClosed()) ws.close((short) 1011, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }

  /** A queue or site feed. */
  private final class FeedSession extends Session {
    private final View view;
    private final String feedAddress;
    private final List<String> queueIds;
    private final EventSequencer sequencer;

    FeedSession(ServerWebSocket ws, Principal caller, Supplier<Future<Boolean>> stillAllowed, View view,
        String address, List<String> queueIds) {
      super(ws, caller, stillAllowed);
      this.view = view;
      this.feedAddress = address;
      this.queueIds = queueIds;
      this.sequencer = new EventSequencer(commands, this::sendEvent, this::resyncQueue);
    }

    void start(Map<String, Long> since) {
      listen(feedAddress);
      sequencer.enqueue(() -> listening.compose(v -> initial(since)).onFailure(this::fail));
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
          return PublicView.snapshot(s, view);
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
        send(ws, new JsonObject().put("type", "snapshot")
            .put("queues", new JsonArray().add(PublicView.snapshot(s, view))));
        return s.seq();
      });
    }

    /** Sends an event as this feed's view shows it; feeds with the same view share one encoding. */
    private void sendEvent(QueueEvent e) {
      send(ws, encodedEvents.computeIfAbsent(e.queueId() + ':' + e.seq() + ':' + view,
          k -> PublicView.event(e, view).encode()));
    }

    @Override
    void onEvent(QueueEvent event) {
      sequencer.offer(event);
    }
  }

  /**
   * A patient's own feed: sends their visit state when it changes; follows them through a transfer. A change of this
   * patient's own entry re-reads the visit; any other change of the line moves them by the lineup the event carries
   * (positions and estimates of everyone waiting), so one call does not cost one database read per waiting patient.
   */
  private final class VisitSession extends Session {
    private final String token;
    private final EventSequencer sequencer;
    private String lastSent;
    private String queueId;
    private String entryId;
    /** The visit as last read or moved by an event, and the queue seq it is as of. */
    private JsonObject current;
    private long currentSeq = -1;

    VisitSession(ServerWebSocket ws, String token) {
      super(ws, Principal.ANONYMOUS, null); // the link itself is checked again whenever the visit is read
      this.token = token;
      this.sequencer = new EventSequencer(commands, e -> { }, q -> refresh());
    }

    void start(VisitView first) {
      follow(first);
      sequencer.enqueue(() -> listening.compose(v -> refresh()).mapEmpty());
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
          send(ws, new JsonObject().put("type", "ended").put("message", err.getMessage()));
          ws.close((short) 1000, "visit ended");
          return Future.succeededFuture(Long.MAX_VALUE);
        }
        return Future.failedFuture(err);
      });
    }

    /** Applies one event of the followed queue, in arrival order; events older than the state held are ignored. */
    private Future<Void> apply(QueueEvent event) {
      if (!event.queueId().equals(queueId) || event.seq() <= currentSeq) return Future.succeededFuture();
      JsonObject entry = event.payload().getJsonObject("entry");
      boolean mine = entry != null && entryId.equals(entry.getString("id"));
      JsonObject place = placeIn(event.payload().getJsonArray("lineup"));
      boolean wasWaiting = current != null && current.getInteger("position") != null;
      // joining or leaving the line (or an event this feed missed that did) needs the whole visit
      if (mine || current == null || (place != null) != wasWaiting) return refresh().mapEmpty();
      JsonObject queue = event.payload().getJsonObject("queue");
      JsonObject moved = PublicView.visitMoved(current, event.seq(), queue, place);
      current = moved;
      currentSeq = event.seq();
      push(moved);
      return Future.succeededFuture();
    }

    private JsonObject placeIn(JsonArray lineup) {
      if (lineup == null) return null;
      for (Object o : lineup) {
        if (o instanceof JsonObject place && entryId.equals(place.getString("id"))) return place;
      }
      return null;
    }

    private void push(JsonObject visit) {
      String encoded = visit.copy().put("seq", 0).encode(); // compare without seq: only real changes are sent
      if (encoded.equals(lastSent)) return;
      lastSent = encoded;
      send(ws, new JsonObject().put("type", "visit").put("visit", visit));
    }

    @Override
    void onEvent(QueueEvent event) {
      sequencer.enqueue(() -> apply(event));
    }
  }
}
