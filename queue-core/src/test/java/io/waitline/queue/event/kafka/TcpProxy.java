package io.waitline.queue.event.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A loopback TCP proxy a test can cut (open connections dropped, new ones refused) and restore on the same port. */
final class TcpProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private final int port;
  private final int target;
  private NetServer server;

  TcpProxy(int port, int target) {
    this.port = port;
    this.target = target;
    restore();
  }

  int port() {
    return port;
  }

  /** Drops every connection through the proxy and refuses new ones until {@link #restore}. */
  void cut() {
    await(server.close());
    server = null;
    open.forEach(NetSocket::close);
  }

  void restore() {
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      open.add(in);
      client.connect(target, "127.0.0.1").onSuccess(out -> {
        open.add(out);
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      }).onFailure(err -> in.close());
      in.closeHandler(v -> open.remove(in));
    });
    await(server.listen(port, "127.0.0.1"));
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
