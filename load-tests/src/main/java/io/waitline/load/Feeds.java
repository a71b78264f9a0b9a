package io.waitline.load;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/** The benchmark's WebSocket clients: queue feeds (display and staff views) and patients' visit feeds. */
final class Feeds {
  private Feeds() {
  }

  /** Errors seen anywhere (failed upgrades, unexpected closes, bad messages): a count and the first few texts. */
  static final class Errors {
    private final AtomicLong count = new AtomicLong();
    private final Queue<String> samples = new ConcurrentLinkedQueue<>();

    void add(String what) {
      if (count.incrementAndGet() <= 20) samples.add(what);
    }

    long count() {
      return count.get();
    }

    Queue<String> samples() {
      return samples;
    }
  }

  /**
   * One call-next as the feeds see it: which entry was called and to where, and when each feed got it. A feed that
   * got a state that skips this change ({@code wrong}) counts as lost, not as arrived.
   */
  static final class Cycle {
    final String calledEntryId;
    final String calledTo;
    final Map<Object, Long> arrivals = new ConcurrentHashMap<>();
    final Map<Object, Boolean> wrong = new ConcurrentHashMap<>();
    final CountDownLatch pending;
    volatile long startNanos;

    Cycle(String calledEntryId, String calledTo, int feeds) {
      this.calledEntryId = calledEntryId;
      this.calledTo = calledTo;
      this.pending = new CountDownLatch(feeds);
    }

    void arrived(Object feed, long nanos) {
      if (!wrong.containsKey(feed) && arrivals.putIfAbsent(feed, nanos) == null) pending.countDown();
    }

    void skipped(Object feed) {
      if (!arrivals.containsKey(feed) && wrong.putIfAbsent(feed, true) == null) pending.countDown();
    }
  }

  /** Opens a WebSocket to {@code path} of the server at {@code baseUrl}, with a bearer token when given. */
  static Future<WebSocket> connect(WebSocketClient client, String baseUrl, String path, String bearer) {
    URI base = URI.create(baseUrl);
    boolean tls = base.getScheme().equals("https");
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(base.getHost())
        .setPort(base.getPort() > 0 ? base.getPort() : tls ? 443 : 80).setSsl(tls).setURI(path)
        .setConnectTimeout(Api.TIMEOUT_MS);
    if (bearer != null) o.addHeader("Authorization", "Bearer " + bearer);
    return client.webSocket().connect(o);
  }

  /** A base for both kinds: the socket, who closed it and why. */
  abstract static class Feed {
    final String kind;
    final Errors errors;
    volatile WebSocket ws;
    volatile boolean closingByUs;
    volatile Cycle cycle;

    Feed(String kind, Errors errors) {
      this.kind = kind;
      this.errors = errors;
    }

    /** Called on the connection's event loop as soon as the upgrade succeeds, before any message is read. */
    void attach(WebSocket socket) {
      ws = socket;
      socket.textMessageHandler(text -> {
        long now = System.nanoTime();
        try {
          onText(text, now);
        } catch (RuntimeException e) {
          errors.add(kind + " feed: " + e.getMessage());
        }
      });
      socket.exceptionHandler(err -> errors.add(kind + " feed: " + err));
      socket.closeHandler(v -> {
        if (!closingByUs && !expectedClose()) {
          errors.add(kind + " feed closed by the server: " + socket.closeStatusCode() + " " + socket.closeReason());
        }
      });
    }

    abstract void onText(String text, long nanos);

    boolean expectedClose() {
      return false;
    }

    Future<Void> close() {
      closingByUs = true;
      WebSocket s = ws;
      return s == null || s.isClosed() ? Future.succeededFuture() : s.close();
    }
  }

  /** {@code /ws/queues/{q}}: a snapshot, then every event of the queue in seq order. */
  static final class QueueFeed extends Feed {
    final SeqContinuity seqs = new SeqContinuity();
    final CountDownLatch snapshot = new CountDownLatch(1);

    QueueFeed(String kind, Errors errors) {
      super(kind, errors);
    }

    @Override
    void onText(String text, long nanos) {
      FeedMessage m = FeedMessage.parse(text);
      if ("event".equals(m.type())) {
        seqs.event(m.seq());
        Cycle c = cycle;
        if (c != null && "called".equals(m.event()) && c.calledEntryId.equals(m.entryId())) c.arrived(this, nanos);
      } else if ("snapshot".equals(m.type())) {
        // this benchmark's feeds follow one queue, so a snapshot holds exactly that queue
        seqs.snapshot(new JsonObject(text).getJsonArray("queues").getJsonObject(0).getLong("seq"));
        snapshot.countDown();
      }
    }
  }

  /** {@code /ws/visits/{token}}: one patient's own state whenever it changes; ends when the visit ends. */
  static final class VisitFeed extends Feed {
    final String entryId;
    final CountDownLatch first = new CountDownLatch(1);
    /** The position the next call must move this patient to; 0: this patient is the one called. */
    volatile int expectPosition;
    volatile boolean ended;

    VisitFeed(String entryId, Errors errors) {
      super("visit", errors);
      this.entryId = entryId;
    }

    @Override
    void onText(String text, long nanos) {
      JsonObject m = new JsonObject(text);
      String type = m.getString("type");
      if ("ended".equals(type)) {
        ended = true;
        return;
      }
      if (!"visit".equals(type)) return;
      JsonObject visit = m.getJsonObject("visit");
      first.countDown();
      Cycle c = cycle;
      if (c == null) return;
      String status = visit.getString("status");
      Integer position = visit.getInteger("position");
      int expected = expectPosition;
      if (expected == 0) {
        if ("called".equals(status) && c.calledTo.equals(visit.getString("calledTo"))) c.arrived(this, nanos);
      } else if ("waiting".equals(status) && position != null) {
        if (position == expected) {
          c.arrived(this, nanos);
        } else if (position < expected) {
          c.skipped(this); // moved further than one call can move it: an update was lost
        }
      }
    }

    @Override
    boolean expectedClose() {
      return ended;
    }
  }
}
