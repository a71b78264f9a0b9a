package io.waitline.edge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.waitline.edge.pipeline.MalformedRequests;
import java.util.function.Function;

/**
 * The HTTP edge on one event loop. A node deploys one instance per core, each with its own router, all listening on
 * one port: Vert.x binds the port once and hands each new connection to the next instance in turn.
 */
final class EdgeVerticle extends VerticleBase {
  private final Function<Vertx, Router> router;
  private final HttpServerOptions options;
  private final ConnectionLimits limits;
  private volatile HttpServer server;
  private ConnectionLimits.Watch connections;

  EdgeVerticle(Function<Vertx, Router> router, HttpServerOptions options, ConnectionLimits limits) {
    this.router = router;
    this.options = options;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    Router routes = router.apply(vertx);
    connections = limits.watch(vertx);
    return vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          MalformedRequests.watch(connection);
          connections.connected(connection);
        })
        .invalidRequestHandler(MalformedRequests::answerInvalid)
        .requestHandler(request -> {
          connections.requestArrived(request);
          // requests on one connection take turns, so this one is the one whose body is arriving
          request.connection().exceptionHandler(err -> MalformedRequests.answerBrokenBody(request, err));
          routes.handle(request);
        })
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    connections.stop();
    return Future.succeededFuture();
  }

  /** The port this instance listens on, once started. */
  int port() {
    return server.actualPort();
  }
}
