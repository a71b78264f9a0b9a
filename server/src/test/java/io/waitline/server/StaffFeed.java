package io.waitline.server;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The staff view of queue "general" on one node, as a desk screen sees it: every message but heartbeats, in arrival
 * order. It keeps its WebSocket client for as long as it is open: Vert.x 5 shuts a client down once the client object
 * is garbage collected, and with it the connections it is still opening ("Connection closed while handshake in
 * process", most often right after a node started and left plenty of garbage).
 */
final class StaffFeed implements AutoCloseable {
  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();

  private StaffFeed(WaitlineServer node) {
    client = node.vertx().createWebSocketClient();
    socket = client.webSocket();
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      if (!"heartbeat".equals(message.getString("type"))) inbox.add(message);
    });
  }

  /** Opens the feed with an API token; fails as the handshake does (a refusal carries the server's status). */
  static StaffFeed open(WaitlineServer node, String token) {
    StaffFeed feed = new StaffFeed(node);
    feed.socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws/queues/general?view=staff&access_token=" + token)).await();
    return feed;
  }

  /** The next message within {@code millis}, or an assertion error saying none came. */
  JsonObject next(long millis) throws InterruptedException {
    JsonObject message = inbox.poll(millis, TimeUnit.MILLISECONDS);
    if (message == null) throw new AssertionError("no message on the feed within " + millis + " ms");
    return message;
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    client.close().await();
  }
}
