package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket feed as a test reads it: messages in arrival order, every wait bounded by {@link #WAIT_SECONDS} so
 * a missing message fails the test instead of hanging the build. Heartbeats are skipped.
 */
final class FeedClient implements AutoCloseable {
  static final long WAIT_SECONDS = 10;

  private final ClientWebSocket socket;
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final List<String> raw = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private FeedClient(ClientWebSocket socket) {
    this.socket = socket;
  }

  static FeedClient connect(WebSocketClient client, int port, String uri) {
    return connect(client, port, uri, java.util.Map.of());
  }

  /** Opens the feed with these extra handshake headers (e.g. a Cookie and an Origin, as a browser sends them). */
  static FeedClient connect(WebSocketClient client, int port, String uri, java.util.Map<String, String> headers) {
    ClientWebSocket socket = client.webSocket();
    FeedClient feed = new FeedClient(socket);
    // handlers first, so not even the first frame can be missed
    socket.textMessageHandler(text -> {
      feed.raw.add(text);
      feed.inbox.add(new JsonObject(text));
    });
    socket.closeHandler(v -> feed.closed.complete(socket.closeStatusCode()));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(port).setURI(uri)
        .setTimeout(WAIT_SECONDS * 1000);
    if (!headers.isEmpty()) {
      // only the Origin given here, if any: without one the client would send its own
      options.setAllowOriginHeader(headers.containsKey("Origin"));
      headers.forEach(options::addHeader);
    }
    await(socket.connect(options));
    return feed;
  }

  /** The next message that is not a heartbeat. */
  JsonObject next() {
    try {
      while (true) {
        JsonObject m = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no message within " + WAIT_SECONDS + " s; received so far: " + raw);
        if (!"heartbeat".equals(m.getString("type"))) return m;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message, which must be of this type. */
  JsonObject next(String type) {
    JsonObject m = next();
    assertThat(m.getString("type")).as("type of %s", m).isEqualTo(type);
    return m;
  }

  /** The next {@code n} messages, each an {@code event}. */
  List<JsonObject> events(int n) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(next("event"));
    return out;
  }

  /** Every text frame received so far, as sent. */
  List<String> rawMessages() {
    return List.copyOf(raw);
  }

  /** Waits for the server to close the feed; returns the close status code. */
  short awaitClose() {
    return awaitClose(WAIT_SECONDS);
  }

  /** The close code, once the server closed the feed within {@code seconds}. */
  short awaitClose(long seconds) {
    try {
      return closed.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the feed was not closed within " + seconds + " s");
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!socket.isClosed()) await(socket.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS + 2, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer from the server within " + WAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
