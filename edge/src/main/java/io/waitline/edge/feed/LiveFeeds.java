package io.waitline.edge.feed;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.ext.web.RoutingContext;
import io.waitline.edge.pipeline.AccessGuard;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.EventBusPublisher;
import java.util.List;

/**
 * The WebSocket feeds' entry points: each checks the request ({@link FeedAccess}, {@link FeedSince}), upgrades it and
 * starts its session. Queue and site feeds ({@link QueueFeedSession}) send a {@code snapshot} with each queue's seq,
 * then each event's change in seq order; the visit feed ({@link VisitFeedSession}) sends the patient's own
 * {@code visit} state whenever it changes. All feeds send a {@code heartbeat} every {@link #HEARTBEAT_MS} so clients
 * can tell a quiet feed from a dead one; a revoked device's feeds close at once ({@link FeedHub}).
 */
public final class LiveFeeds {
  public static final long HEARTBEAT_MS = 15_000;
  /** The largest WebSocket frame the server sends or takes; a longer message is sent in several. */
  public static final int MAX_FRAME_BYTES = 65_536;
  /**
   * A patient reconnecting more than this many events behind gets their visit again, rather than the events being
   * read to tell whether it changed.
   */
  public static final int VISIT_RESUME_WINDOW = 50;

  private final Vertx vertx;
  private final QueueCommands commands;
  private final AccessGuard guard;
  private final FeedAccess access;
  private final AuditTrail audit;
  private final FeedHub hub;

  public LiveFeeds(Vertx vertx, QueueCommands commands, AccessGuard guard, AuditTrail audit, String publicUrl) {
    this.vertx = vertx;
    this.commands = commands;
    this.guard = guard;
    this.access = new FeedAccess(guard, audit, publicUrl);
    this.audit = audit;
    this.hub = FeedHub.of(vertx);
  }

  /** {@code /ws/queues/:queueId?view=staff|display&since=seq&protocol=2} */
  public void queueFeed(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    boolean staff = FeedAccess.staffView(rc);
    FeedSince since = FeedSince.ofQueue(rc.request().getParam("since"), queueId);
    int protocol = protocol(rc);
    access.allowed(rc, staff, () -> guard.siteOfQueue(queueId), new JsonObject().put("queueId", queueId))
        .compose(siteId -> commands.site(siteId))
        .compose(site -> rc.request().toWebSocket().map(ws -> {
          new QueueFeedSession(vertx, hub, commands, ws, framesOf(rc), access.grant(rc, staff),
              View.of(staff, site), EventBusPublisher.queueAddress(queueId), List.of(queueId), protocol).start(since);
          forgetUpgrade(rc);
          return null;
        }))
        .onFailure(rc::fail);
  }

  /** {@code /ws/sites/:siteId?view=staff|display&since=queueA:12,queueB:40&protocol=2} */
  public void siteFeed(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    boolean staff = FeedAccess.staffView(rc);
    FeedSince since = FeedSince.ofSite(rc.request().getParam("since"));
    int protocol = protocol(rc);
    access.allowed(rc, staff, () -> commands.site(siteId).map(site -> site.id()), new JsonObject())
        .compose(id -> commands.site(siteId)).compose(site -> commands.queuesOfSite(siteId)
        .compose(queues -> rc.request().toWebSocket().map(ws -> {
          List<String> ids = queues.stream().map(q -> q.id()).toList();
          new QueueFeedSession(vertx, hub, commands, ws, framesOf(rc), access.grant(rc, staff),
              View.of(staff, site), EventBusPublisher.siteAddress(siteId), ids, protocol).start(since);
          forgetUpgrade(rc);
          return null;
        })))
        .onFailure(rc::fail);
  }

  /**
   * {@code protocol} of a queue or site feed: 1, the default (every event with the whole line, for pages loaded
   * before deltas), or 2 (deltas).
   */
  private static int protocol(RoutingContext rc) {
    String protocol = rc.request().getParam("protocol");
    if (protocol == null || protocol.equals("1")) return 1;
    if (protocol.equals("2")) return QueueFeedSession.DELTAS;
    throw new Problems.BadRequest("protocol must be 1 or 2, got '" + protocol + "'.");
  }

  /**
   * Where an upgraded feed writes the frames encoded once for many feeds: its WebSocket connection, reached through the
   * channel (the socket Vert.x Web hands over is a wrapper); null: through the socket.
   */
  private static VertxConnection framesOf(RoutingContext rc) {
    return rc.request().connection() instanceof ConnectionBase connection
        ? FeedSession.connectionForFrames(connection.channel().pipeline()) : null;
  }

  /**
   * Lets go of what an open feed no longer needs of its upgrade. Vert.x keeps the upgrade request as long as the
   * socket is open, and with it the request's headers (a browser's cookies and user agent, a bearer token), its query
   * parameters and the 101 answer's headers: each open feed would keep them all on the heap. The connection's idle
   * timeout goes too: a feed writes a heartbeat far more often, so on a feed it never fires.
   */
  private static void forgetUpgrade(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    request.headers().clear();
    request.params().clear();
    request.response().headers().clear();
    if (request.connection() instanceof ConnectionBase connection) {
      ChannelPipeline pipeline = connection.channel().pipeline();
      if (pipeline.get(IdleStateHandler.class) != null) pipeline.remove(IdleStateHandler.class);
    }
  }

  /** {@code /ws/visits/:token?since=seq}: one patient's own state, nothing else. */
  public void visitFeed(RoutingContext rc) {
    String token = rc.pathParam("token");
    Long since = FeedSince.ofVisit(rc.request().getParam("since"));
    commands.visit(token)
        .compose(first -> rc.request().toWebSocket().map(ws -> {
          audit.recordPatient(rc, "openVisitFeed", first.entry().id(), first.site().id());
          new VisitFeedSession(vertx, hub, commands, ws, token).start(first, since);
          forgetUpgrade(rc);
          return null;
        }))
        .onFailure(rc::fail);
  }
}
