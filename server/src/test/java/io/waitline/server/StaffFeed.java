package io.waitline.server;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live feed on one node, as a desk screen or a TV sees it: every message but heartbeats, in arrival order, and its
 * close code once the server closes it. It keeps its WebSocket client for as long as it is open: Vert.x 5 shuts a
 * client down once the client object is garbage collected, and with it the connections it is still opening
 * ("Connection closed while handshake in process", most often right after a node started and left plenty of garbage).
 */
final class StaffFeed implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private StaffFeed(WaitlineServer node) {
    client = node.vertx().createWebSocketClient();
    socket = client.webSocket();
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      if (!"heartbeat".equals(message.getString("type"))) inbox.add(message);
    });
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
  }

  /** The staff view of queue "general", opened with an API token; fails as the handshake does. */
  static StaffFeed open(WaitlineServer node, String token) {
    return at(node, "/ws/queues/general?view=staff&access_token=" + token);
  }

  /** The feed at {@code uri} (e.g. a display's view); fails as the handshake does (a refusal carries the status). */
  static StaffFeed at(WaitlineServer node, String uri) {
    StaffFeed feed = new StaffFeed(node);
    feed.socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI(uri))
        .await();
    return feed;
  }

  /** The next message within {@code millis}, or an assertion error saying none came. */
  JsonObject next(long millis) throws InterruptedException {
    JsonObject message = inbox.poll(millis, TimeUnit.MILLISECONDS);
    if (message == null) throw new AssertionError("no message on the feed within " + millis + " ms");
    return message;
  }

  /** The code the server closed the feed with, within {@code millis}, or an assertion error. */
  short closedWithin(long millis) throws Exception {
    try {
      return closed.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the feed was not closed within " + millis + " ms");
    }
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    client.close().await();
  }
}
