package io.waitline.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.pipeline.Problems;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one client may hold of a node's connections, and for how long, so that silent, half-sent or slow-body
 * connections cannot use up the server's sockets: at most {@link Settings#maxPerAddress} open connections per remote
 * address (trusted proxies, which carry many clients, excepted), a request head within {@link Settings#header} of the
 * connection opening or of the previous answer, and a request body complete within {@link Settings#body} of its head
 * (else a 408). A connection silent for {@link Settings#idle} is closed by Vert.x itself; live feeds are exempt from
 * the head and body deadlines once they asked to upgrade, and from the idle timeout once open (their heartbeat tells
 * a live client from a dead one, see {@code LiveFeeds}).
 */
final class ConnectionLimits {
  private static final long SWEEP_MS = 250;

  /**
   * @param maxPerAddress open connections one remote address may hold
   * @param header how long a connection may take to send a complete request head
   * @param body how long a request may take to send its body once its head arrived
   * @param idle how long a connection may send and receive nothing
   */
  record Settings(int maxPerAddress, Duration header, Duration body, Duration idle) {
    /** Production's: 256 connections per address, 10 s for a head, 30 s for a body, 60 s of silence. */
    static Settings defaults() {
      return new Settings(256, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
  }

  private final Settings settings;
  private final ClientAddress clientAddress;
  /** Open connections per remote address, across every edge instance of the node. */
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

  ConnectionLimits(Settings settings, ClientAddress clientAddress) {
    this.settings = settings;
    this.clientAddress = clientAddress;
  }

  /** One edge instance's connections, watched on its own event loop. */
  Watch watch(Vertx vertx) {
    return new Watch(vertx);
  }

  /** A connection's progress: the request it is on (null while waiting for a head) and since when. */
  private static final class Progress {
    HttpServerRequest request;
    long since;

    Progress(long now) {
      since = now;
    }
  }

  final class Watch {
    private final Vertx vertx;
    /** Touched only on this instance's event loop. */
    private final Map<HttpConnection, Progress> open = new HashMap<>();
    private final long sweeper;

    private Watch(Vertx vertx) {
      this.vertx = vertx;
      sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep());
    }

    /** The server's connection handler: counts the connection against its address, or closes it at once. */
    void connected(HttpConnection connection) {
      String host = connection.remoteAddress() == null ? null : connection.remoteAddress().hostAddress();
      boolean counted = host != null && !clientAddress.isTrustedProxy(host);
      if (counted && perAddress.merge(host, 1, Integer::sum) > settings.maxPerAddress()) {
        release(host);
        connection.close();
        return;
      }
      open.put(connection, new Progress(System.nanoTime()));
      Runnable giveBack = counted ? () -> release(host) : () -> {};
      // the address gets its share back when the socket closes: once a request became a live feed, the HTTP
      // connection's close handler is never called (Vert.x hands the socket to the WebSocket), the channel's is
      boolean bySocket = connection instanceof ConnectionBase;
      if (bySocket) ((ConnectionBase) connection).channel().closeFuture().addListener(closed -> giveBack.run());
      connection.closeHandler(v -> {
        open.remove(connection);
        if (!bySocket) giveBack.run();
      });
    }

    /** Called as each request's head arrives, before the router sees it. */
    void requestArrived(HttpServerRequest request) {
      Progress p = open.get(request.connection());
      if (p == null) return;
      if (request.headers().contains("Upgrade", "websocket", true)) {
        // a live feed has no head or body deadline; and once upgraded, the HTTP connection's close handler is not
        // called when the WebSocket closes, so keeping it here would keep every closed feed in memory
        open.remove(request.connection());
        return;
      }
      p.request = request;
      p.since = System.nanoTime();
    }

    void stop() {
      vertx.cancelTimer(sweeper);
    }

    private void sweep() {
      long now = System.nanoTime();
      for (Map.Entry<HttpConnection, Progress> e : List.copyOf(open.entrySet())) {
        Progress p = e.getValue();
        long waited = now - p.since;
        if (p.request == null) {
          if (waited > settings.header().toNanos()) e.getKey().close();
        } else if (!p.request.isEnded()) {
          if (waited > settings.body().toNanos()) tooSlow(e.getKey(), p.request);
        } else if (p.request.response().ended()) {
          p.request = null; // answered: the next head is due within the header deadline
          p.since = now;
        }
      }
    }

    private void tooSlow(HttpConnection connection, HttpServerRequest request) {
      if (request.response().headWritten()) {
        connection.close();
        return;
      }
      Problems.sendAndClose(request, 408, "request-timeout", "Request too slow",
          "The request body did not arrive within " + settings.body().toSeconds() + " seconds.", request.path());
    }
  }

  private void release(String host) {
    perAddress.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
  }
}
