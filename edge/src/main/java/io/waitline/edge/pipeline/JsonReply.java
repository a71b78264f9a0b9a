package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Answers a request with the JSON a future yields, or fails it so the problem handler explains why. */
public final class JsonReply {
  private JsonReply() {}

  public static void send(RoutingContext rc, int status, Future<?> result) {
    result.onSuccess(body -> {
      if (rc.response().ended()) return;
      String json = body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode();
      rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
    }).onFailure(rc::fail);
  }
}
