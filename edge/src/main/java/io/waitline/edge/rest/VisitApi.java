package io.waitline.edge.rest;

import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.wire.PublicView;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.queue.Lineup;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.VisitView;

/** The patient's own endpoints, reached by the unguessable token in their link. */
public final class VisitApi {
  private final QueueCommands commands;

  public VisitApi(QueueCommands commands) {
    this.commands = commands;
  }

  public void get(RoutingContext rc) {
    QueueApi.respond(rc, 200, visit(commands, rc).map(PublicView::visit));
  }

  /** The visit of the link in the path; names its entry and site on the request for the audit log. */
  static Future<VisitView> visit(QueueCommands commands, RoutingContext rc) {
    return commands.visit(rc.pathParam("token")).onSuccess(v -> {
      Caller.entry(rc, v.entry().id());
      Caller.site(rc, v.site().id());
    });
  }

  public void runningLate(RoutingContext rc) {
    String token = rc.pathParam("token");
    QueueApi.respond(rc, 200, visit(commands, rc)
        .compose(v -> commands.runningLate(v.entry().id(), "patient"))
        .compose(e -> commands.visit(token)).map(PublicView::visit));
  }

  public void leave(RoutingContext rc) {
    String token = rc.pathParam("token");
    QueueApi.respond(rc, 200, visit(commands, rc)
        .compose(v -> commands.leave(v.entry().id(), "patient"))
        .map(e -> new JsonObject().put("status", e.status().wire())
            .put("message", "You have left the queue. You can close this page.")));
  }
}
