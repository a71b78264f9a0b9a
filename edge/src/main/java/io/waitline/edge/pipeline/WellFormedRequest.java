package io.waitline.edge.pipeline;

import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every request: a request whose query string is not validly percent-encoded is answered 400
 * here, before any route (health checks included) or the contract's validation trips over it.
 */
public final class WellFormedRequest {
  private WellFormedRequest() {}

  public static void handle(RoutingContext rc) {
    try {
      rc.request().params();
    } catch (IllegalArgumentException undecodable) {
      Problems.send(rc, 400, "bad-request", "Bad request",
          "The query string is not validly percent-encoded; write '%' itself as %25.");
      return;
    }
    rc.next();
  }
}
