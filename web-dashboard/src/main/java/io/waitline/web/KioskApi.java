package io.waitline.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.EntryJson;
import java.time.LocalDate;

/** Self check-in at a kiosk: finds today's appointment by name and date of birth and checks the patient in. */
final class KioskApi {
  static final String NO_MATCH = "We could not find an appointment today for that name and date of birth."
      + " Please ask at the desk.";
  static final String SEVERAL = "We found more than one appointment today for that name and date of birth."
      + " Please ask at the desk so we check you in for the right one.";

  private final QueueCommands commands;
  private final String publicUrl;

  KioskApi(QueueCommands commands, String publicUrl) {
    this.commands = commands;
    this.publicUrl = publicUrl;
  }

  /** The answer carries what a kiosk may show (ticket, queue, status) and the patient's link, not their details. */
  void checkIn(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    String name = in.getString("name").trim();
    LocalDate born = LocalDate.parse(in.getString("birthDate"));
    if (name.isEmpty()) throw new QueueException.Invalid("Type your name as it is on your appointment.");
    QueueApi.respond(rc, 200, commands.expectedToday(rc.pathParam("siteId"), name, born).compose(found -> {
      if (found.isEmpty()) throw new QueueException.NotFound(NO_MATCH);
      if (found.size() > 1) throw new QueueException.Conflict(SEVERAL);
      return commands.arrive(found.get(0).id(), QueueApi.actor(rc));
    }).compose(e -> commands.visitToken(e.id())
        .map(token -> EntryJson.display(e).put("patientLink", publicUrl + "/visit/" + token))));
  }
}
