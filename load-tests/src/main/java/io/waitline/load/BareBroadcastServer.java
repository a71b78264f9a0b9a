package io.waitline.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The yardstick of {@link DisplayFanOutBenchmark}: a bare Vert.x WebSocket server with one instance per core, as
 * Waitline's edge has. Every connection gets a {@code hello}; {@code POST /broadcast?seq=N&bytes=B} sends one text
 * frame of B bytes with that seq to every open connection, each written on its own connection's event loop. No
 * database, no access checks, no queue: what remains is the cost of the sockets themselves. It runs on the node's
 * transport: Netty's native one unless {@code WAITLINE_NATIVE_TRANSPORT=false}, as the node reads it.
 *
 * <p>{@code java -cp waitline-load-tests.jar io.waitline.load.BareBroadcastServer PORT}
 */
public final class BareBroadcastServer extends VerticleBase {
  private static final Set<ServerWebSocket> OPEN = ConcurrentHashMap.newKeySet();
  private final int port;

  private BareBroadcastServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Runtime.getRuntime().availableProcessors();
    // the node's setting and default, so that both sides of the benchmark run on one transport
    boolean preferNative = !"false".equalsIgnoreCase(System.getenv("WAITLINE_NATIVE_TRANSPORT"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(preferNative));
    deploy(vertx, port, instances).await();
    String transport = vertx.isNativeTransportEnabled() ? Transport.nativeTransport().name() : "nio";
    System.err.println("bare broadcast listening on 127.0.0.1:" + port + " with " + instances + " instances;"
        + " network transport: " + transport);
  }

  /** Deploys {@code instances} instances listening on {@code port} of 127.0.0.1. */
  static Future<?> deploy(Vertx vertx, int port, int instances) {
    Future<?> deployed = Future.succeededFuture();
    for (int i = 0; i < instances; i++) {
      deployed = deployed.compose(done -> vertx.deployVerticle(new BareBroadcastServer(port)));
    }
    return deployed;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().webSocketHandler(ws -> {
      OPEN.add(ws);
      ws.closeHandler(v -> OPEN.remove(ws));
      ws.writeTextMessage("{\"type\":\"hello\",\"seq\":0}");
    }).requestHandler(request -> {
      if (!request.path().equals("/broadcast")) {
        request.response().setStatusCode(404).end();
        return;
      }
      String frame = frame(Long.parseLong(request.getParam("seq")), Integer.parseInt(request.getParam("bytes")));
      for (ServerWebSocket ws : OPEN) ws.writeTextMessage(frame);
      request.response().end(new JsonObject().put("sentTo", OPEN.size()).encode());
    }).listen(port, "127.0.0.1");
  }

  /** A JSON text of exactly {@code bytes} bytes (or the least it can be) carrying {@code seq}. */
  static String frame(long seq, int bytes) {
    String head = "{\"type\":\"bare\",\"seq\":" + seq + ",\"pad\":\"";
    return head + "x".repeat(Math.max(0, bytes - head.length() - 2)) + "\"}";
  }
}
