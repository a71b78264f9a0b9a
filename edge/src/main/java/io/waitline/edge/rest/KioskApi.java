package io.waitline.edge.rest;

import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.wire.EntryJson;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.queue.QueueException;
import io.waitline.queue.command.QueueCommands;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Self check-in at a kiosk: finds today's appointment by the id in its QR code, or by name and date of birth, and
 * checks the patient in.
 */
public final class KioskApi {
  static final String NO_MATCH = "We could not find an appointment today for that name and date of birth."
      + " Please ask at the desk.";
  public static final String NO_CODE_MATCH = "We could not find an appointment today for this code at this clinic."
      + " Please ask at the desk.";
  static final String SEVERAL = "We found more than one appointment today for that name and date of birth."
      + " Please ask at the desk so we check you in for the right one.";
  public static final String WHICH = "Scan the code of your appointment, or give your name and date of birth.";

  private final QueueCommands commands;
  private final String publicUrl;

  public KioskApi(QueueCommands commands, String publicUrl) {
    this.commands = commands;
    this.publicUrl = publicUrl;
  }

  /** The answer carries what a kiosk may show (ticket, queue, status) and the patient's link, not their details. */
  public void checkIn(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    String siteId = rc.pathParam("siteId");
    String appointment = in.getString("appointment");
    String name = in.getString("name");
    String born = in.getString("birthDate");
    boolean byCode = appointment != null;
    boolean byName = name != null || born != null;
    // exactly one way, and the name way complete
    if (byCode == byName || (byName && (name == null || born == null))) throw new Problems.BadRequest(WHICH);
    if (!byCode && name.isBlank()) throw new QueueException.Invalid("Type your name as it is on your appointment.");
    var found = byCode
        ? commands.expectedToday(siteId, UUID.fromString(appointment))
        : commands.expectedToday(siteId, name.trim(), LocalDate.parse(born));
    QueueApi.respond(rc, 200, found.compose(matches -> {
      if (matches.isEmpty()) throw new QueueException.NotFound(byCode ? NO_CODE_MATCH : NO_MATCH);
      if (matches.size() > 1) throw new QueueException.Conflict(SEVERAL);
      return commands.arrive(QueueApi.named(rc, matches.get(0)).id(), QueueApi.actor(rc));
    }).compose(e -> commands.visitToken(e.id())
        .map(token -> EntryJson.display(e).put("patientLink", publicUrl + "/visit/" + token))));
  }
}
