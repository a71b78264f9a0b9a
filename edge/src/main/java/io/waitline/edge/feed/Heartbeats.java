package io.waitline.edge.feed;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's open feeds by event loop, so that a heartbeat costs one timer per event loop, not one per feed (a timer is
 * a few hundred bytes of each idle feed's heap): each period, a loop's timer encodes one heartbeat and hands it to
 * each of that loop's feeds that has sent its first message (a feed still reading its snapshot hears none, so a client
 * never gets a heartbeat before the snapshot). A loop's timer is cancelled when its last feed leaves.
 */
final class Heartbeats {
  /** A feed that hears the heartbeats of its own event loop. */
  interface Beating {
    Context context();

    void beat(String heartbeat);

    /** Whether the feed has sent its first message; until then it hears no heartbeat (the protocol opens with it). */
    boolean greeted();
  }

  private final Vertx vertx;
  private final long periodMs;
  private final Map<ContextInternal, Loop> byLoop = new ConcurrentHashMap<>();

  Heartbeats(Vertx vertx, long periodMs) {
    this.vertx = vertx;
    this.periodMs = periodMs;
  }

  void join(Beating feed) {
    byLoop.compute(FeedHub.loopOf(feed.context()), (context, loop) -> {
      Loop joined = loop != null ? loop : new Loop(context);
      joined.feeds.add(feed);
      return joined;
    });
  }

  void leave(Beating feed) {
    byLoop.computeIfPresent(FeedHub.loopOf(feed.context()), (context, loop) -> {
      if (!loop.feeds.remove(feed) || !loop.feeds.isEmpty()) return loop;
      vertx.cancelTimer(loop.timer);
      return null;
    });
  }

  /** One event loop's feeds and the timer that beats for them, on that loop. */
  private final class Loop {
    final Set<Beating> feeds = ConcurrentHashMap.newKeySet();
    final long timer;

    Loop(ContextInternal loop) {
      timer = loop.setPeriodic(periodMs, id -> {
        String heartbeat = new JsonObject().put("type", "heartbeat").put("at", Instant.now().toString()).encode();
        for (Beating feed : feeds) if (feed.greeted()) feed.beat(heartbeat);
      });
    }
  }
}
