package io.waitline.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.queue.Lineup;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.VisitView;
import io.waitline.queue.event.EntryJson;
import io.waitline.web.auth.Caller;

/** The patient's own endpoints, reached by the unguessable token in their link. */
final class VisitApi {
  private final QueueCommands commands;

  VisitApi(QueueCommands commands) {
    this.commands = commands;
  }

  void get(RoutingContext rc) {
    QueueApi.respond(rc, 200, visit(commands, rc).map(VisitApi::json));
  }

  /** The visit of the link in the path; names its entry and site on the request for the audit log. */
  static Future<VisitView> visit(QueueCommands commands, RoutingContext rc) {
    return commands.visit(rc.pathParam("token")).onSuccess(v -> {
      Caller.entry(rc, v.entry().id());
      Caller.site(rc, v.site().id());
    });
  }

  void runningLate(RoutingContext rc) {
    String token = rc.pathParam("token");
    QueueApi.respond(rc, 200, visit(commands, rc)
        .compose(v -> commands.runningLate(v.entry().id(), "patient"))
        .compose(e -> commands.visit(token)).map(VisitApi::json));
  }

  void leave(RoutingContext rc) {
    String token = rc.pathParam("token");
    QueueApi.respond(rc, 200, visit(commands, rc)
        .compose(v -> commands.leave(v.entry().id(), "patient"))
        .map(e -> new JsonObject().put("status", e.status().wire())
            .put("message", "You have left the queue. You can close this page.")));
  }

  /** Only this patient's own facts: ticket, status, place, estimate, where to go. No names of anyone. */
  static JsonObject json(VisitView v) {
    Lineup.Place place = v.place();
    return new JsonObject()
        .put("ticket", v.entry().ticket())
        .put("status", v.entry().status().wire())
        .put("calledTo", v.entry().calledTo())
        .put("runningLate", v.entry().runningLate())
        .put("position", place == null ? null : place.position())
        .put("peopleAhead", place == null ? null : place.position() - 1)
        .put("estimate", place == null ? null : EntryJson.estimate(place.estimate()))
        .put("queueId", v.queue().id())
        .put("queueName", v.queue().name())
        .put("queuePaused", v.queue().paused())
        .put("siteName", v.site().name())
        .put("language", v.site().language())
        .put("seq", v.queue().version());
  }
}
