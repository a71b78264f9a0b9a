package io.waitline.edge.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.shareddata.Shareable;
import io.waitline.edge.wire.PublicView;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.edge.wire.ViewDelta;
import io.waitline.queue.event.QueueEvent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open feed of one node, whichever edge instance (event loop) opened it: one event-bus consumer per address
 * however many feeds listen there (the bus copies a message per consumer), each event handed to the feeds of one
 * event loop in one task ({@link Delivery}) and encoded once per view, the open feeds that hold a credential, grouped
 * by it ({@link CredentialChecks}), and every open feed by event loop for its heartbeat ({@link Heartbeats}).
 */
final class FeedHub implements Shareable {
  private static final String SHARED = "waitline.feed-hub";
  private static final int ENCODED_EVENTS_KEPT = 256;

  private final Vertx vertx;
  private final Map<String, Listeners> listeners = new ConcurrentHashMap<>();
  /** Events as sent to queue feeds, keyed by queue, seq, view and protocol; the most recent only. */
  private final Map<String, String> encodedEvents = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ENCODED_EVENTS_KEPT;
    }
  });

  /** Each queue's latest event, one copy for every feed whose view is at it (see {@link #shared}). */
  private final Map<String, QueueEvent> latest = new ConcurrentHashMap<>();

  /** The node's feeds that hold a credential, checked once per heartbeat period for each credential. */
  final CredentialChecks credentials;
  /** The node's feeds by event loop, sent a heartbeat each period by one timer per loop. */
  final Heartbeats heartbeats;

  private FeedHub(Vertx vertx) {
    this.vertx = vertx;
    this.credentials = new CredentialChecks(vertx, LiveFeeds.HEARTBEAT_MS);
    this.heartbeats = new Heartbeats(vertx, LiveFeeds.HEARTBEAT_MS);
  }

  /** The node's hub: one per Vert.x instance, shared by every edge instance deployed on it. */
  static FeedHub of(Vertx vertx) {
    return vertx.sharedData().<String, FeedHub>getLocalMap(SHARED).computeIfAbsent(SHARED, k -> new FeedHub(vertx));
  }

  /** Adds a feed to an address's listeners; completes once the address's consumer is registered. */
  Future<Void> join(String address, FeedSession feed) {
    Listeners joined = listeners.compute(address, (a, existing) -> {
      Listeners l = existing != null ? existing : new Listeners(a);
      l.byLoop.computeIfAbsent(loopOf(feed.context), c -> ConcurrentHashMap.newKeySet()).add(feed);
      return l;
    });
    return onContext(feed.context, joined.consumer.completion());
  }

  /**
   * {@code future}, its callbacks run on {@code context}. The address's consumer was registered on the loop of the
   * first feed that joined it; a feed of another loop goes on (its snapshot, its first frames) on its own loop.
   */
  static <T> Future<T> onContext(Context context, Future<T> future) {
    Promise<T> promise = ((ContextInternal) context).promise();
    future.onComplete(promise);
    return promise.future();
  }

  /**
   * The event loop's own context that {@code context} runs on: a feed's context is its upgrade request's (a duplicate,
   * one per request), and tasks on either run in order on the same thread.
   */
  static ContextInternal loopOf(Context context) {
    return ((ContextInternal) context).unwrap();
  }

  void leave(String address, FeedSession feed) {
    listeners.computeIfPresent(address, (a, l) -> {
      l.byLoop.computeIfPresent(loopOf(feed.context),
          (c, feeds) -> feeds.remove(feed) && feeds.isEmpty() ? null : feeds);
      if (!l.byLoop.isEmpty()) return l;
      l.consumer.unregister();
      return null;
    });
  }

  /** A queue event as {@code view} sees it (protocol 1), encoded by the first feed of that view that sends it. */
  String encoded(QueueEvent e, View view) {
    return encodedEvents.computeIfAbsent(e.queueId() + ':' + e.seq() + ':' + view,
        k -> PublicView.event(e, view).encode());
  }

  /**
   * What event {@code e} changes in {@code view} (protocol 2), worked out and encoded by the first feed of that view
   * that sends it.
   *
   * @param previous the queue's event before {@code e}; null when {@code e} is its first
   */
  String delta(QueueEvent previous, QueueEvent e, View view) {
    return encodedEvents.computeIfAbsent(e.queueId() + ':' + e.seq() + ':' + view + ":2",
        k -> ViewDelta.between(previous, e, view).encode());
  }

  /**
   * The one copy of event {@code e} that the node's feeds keep while their views are at it (a protocol 2 feed keeps
   * the event its next delta is worked out from: read for each feed, a long line would cost each idle feed its own
   * copy); {@code e} itself when a later event of its queue is already known.
   */
  QueueEvent shared(QueueEvent e) {
    QueueEvent kept = latest.merge(e.queueId(), e, (old, now) -> now.seq() > old.seq() ? now : old);
    return kept.seq() == e.seq() ? kept : e;
  }

  /** The feeds listening at one address by event loop, and the one consumer that hands each event to all of them. */
  private final class Listeners {
    final Map<Context, Set<FeedSession>> byLoop = new ConcurrentHashMap<>();
    final MessageConsumer<QueueEvent> consumer;

    Listeners(String address) {
      consumer = vertx.eventBus().<QueueEvent>consumer(address, msg -> {
        QueueEvent event = shared(msg.body());
        // one task per event loop hands the (shared, read-only) event to each of that loop's feeds in turn
        byLoop.forEach((loop, feeds) -> loop.runOnContext(v -> {
          Delivery delivery = new Delivery(event);
          try {
            for (FeedSession f : feeds) f.onEvent(delivery);
          } finally {
            delivery.release();
          }
        }));
      });
    }
  }

  /**
   * One event on its way to the feeds of one event loop: each distinct frame is taken from the hub's cache, and encoded
   * as a WebSocket frame, once (most feeds of an address share one), not once per feed.
   */
  final class Delivery {
    final QueueEvent event;
    private View view;
    private long baseSeq;
    private SharedFrame frame;

    private Delivery(QueueEvent event) {
      this.event = event;
    }

    /**
     * The event as {@code view} sees it (protocol 1), or when {@code deltas} what it changes in {@code view} from
     * {@code base}, the queue's event before it (protocol 2; null when the event is the queue's first).
     */
    SharedFrame frame(View view, boolean deltas, QueueEvent base) {
      long key = deltas ? (base == null ? 0 : base.seq()) : -1;
      if (view != this.view || key != baseSeq) {
        release();
        this.view = view;
        baseSeq = key;
        frame = new SharedFrame(deltas ? delta(base, event, view) : encoded(event, view));
      }
      return frame;
    }

    /** Lets go of the encoded frame once the loop's feeds have it. */
    private void release() {
      if (frame != null) frame.release();
    }
  }
}
