package io.waitline.edge.rest;

import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.wire.EntryJson;
import io.waitline.edge.wire.PublicView;
import io.waitline.edge.wire.PublicView.View;
import io.waitline.edge.pipeline.Problems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.Principal;
import io.waitline.queue.Entry;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.Rota;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.command.QueueSnapshot;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** REST handlers for sites, queues and entries. Input was validated against openapi.yaml before it gets here. */
public final class QueueApi {
  private final QueueCommands commands;
  private final String publicUrl;

  public QueueApi(QueueCommands commands, String publicUrl) {
    this.commands = commands;
    this.publicUrl = publicUrl;
  }

  // --- sites and queues

  /** The sites where the caller holds a role: every site for roles held at every site. */
  public void listSites(RoutingContext rc) {
    Principal caller = Caller.of(rc);
    respond(rc, 200, commands.sites().map(sites -> new JsonArray(sites.stream()
        .filter(site -> caller instanceof Principal.Staff staff && !staff.rolesAt(site.id()).isEmpty())
        .map(EntryJson::site).toList())));
  }

  /** A command on one entry named in the path, e.g. recall or complete. */
  @FunctionalInterface
  public interface EntryCommand {
    Future<Entry> run(QueueCommands commands, UUID entryId, String actor);
  }

  public void createSite(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    ZoneId zone;
    try {
      zone = ZoneId.of(in.getString("timeZone"));
    } catch (DateTimeException e) {
      throw new QueueException.Invalid("'" + in.getString("timeZone") + "' is not a time zone; use an IANA name such as Europe/London.");
    }
    Site site = new Site(in.getString("id"), in.getString("name"), zone, in.getString("language", "en"),
        in.getString("displayMode", "ticket"));
    respond(rc, 201, audited(rc, 201).createSite(site).map(EntryJson::site));
  }

  public void getSite(RoutingContext rc) {
    respond(rc, 200, commands.site(rc.pathParam("siteId")).map(EntryJson::site));
  }

  public void listQueues(RoutingContext rc) {
    respond(rc, 200, commands.queuesOfSite(rc.pathParam("siteId"))
        .map(qs -> new JsonArray(qs.stream().map(EntryJson::queue).toList())));
  }

  public void createQueue(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(in.getInteger("appointmentGraceMinutes", 10)),
        Duration.ofMinutes(in.getInteger("maxWaitMinutes", 90)),
        TransferPolicy.fromWire(in.getString("transferPolicy", "keep_place")));
    ServiceQueue q = new ServiceQueue(in.getString("id"), rc.pathParam("siteId"), in.getString("name"),
        in.getString("ticketPrefix"), rule, in.getInteger("defaultServiceMinutes", 10) * 60, false,
        in.getInteger("staffOnDuty", 1), 0);
    respond(rc, 201, audited(rc, 201).createQueue(q).map(EntryJson::queue));
  }

  public void getQueue(RoutingContext rc) {
    respond(rc, 200, commands.queue(rc.pathParam("queueId")).map(EntryJson::queue));
  }

  public void snapshot(RoutingContext rc) {
    respond(rc, 200, commands.snapshot(rc.pathParam("queueId")).map(s -> PublicView.snapshot(s, View.STAFF)));
  }

  public void board(RoutingContext rc) {
    String queueId = rc.pathParam("queueId");
    respond(rc, 200, commands.queue(queueId).compose(q -> commands.site(q.siteId())).compose(site ->
        commands.snapshot(queueId).map(s -> PublicView.snapshot(s, View.of(false, site)))));
  }

  public void events(RoutingContext rc) {
    long after = wholeNumber(rc, "after", 0);
    int limit = (int) wholeNumber(rc, "limit", 100);
    String queueId = rc.pathParam("queueId");
    respond(rc, 200, commands.queue(queueId)
        .compose(q -> commands.eventsPage(queueId, after, limit, QueueCommands.EVENTS_PAGE_BYTES))
        .map(events -> new JsonArray(events.stream().map(EntryJson::event).toList())));
  }

  public void today(RoutingContext rc) {
    respond(rc, 200, commands.today(rc.pathParam("siteId"), rc.queryParams().get("q"))
        .map(entries -> new JsonArray(entries.stream().map(EntryJson::staff).toList())));
  }

  public void pause(RoutingContext rc) {
    respond(rc, 200, audited(rc, 200).pause(rc.pathParam("queueId"), true, actor(rc)).map(EntryJson::queue));
  }

  public void resume(RoutingContext rc) {
    respond(rc, 200, audited(rc, 200).pause(rc.pathParam("queueId"), false, actor(rc)).map(EntryJson::queue));
  }

  public void setStaff(RoutingContext rc) {
    int staff = rc.body().asJsonObject().getInteger("staffOnDuty");
    respond(rc, 200, audited(rc, 200).setStaffOnDuty(rc.pathParam("queueId"), staff, actor(rc))
        .map(EntryJson::queue));
  }

  public void getRota(RoutingContext rc) {
    respond(rc, 200, commands.rota(rc.pathParam("queueId")).map(EntryJson::rota));
  }

  public void putRota(RoutingContext rc) {
    Rota rota = EntryJson.rota(rc.body().asJsonObject());
    respond(rc, 200, audited(rc, 200).setRota(rc.pathParam("queueId"), rota, actor(rc)).map(EntryJson::rota));
  }

  // --- arrivals and the desk

  public void checkIn(RoutingContext rc) {
    CheckIn checkIn = checkIn(rc.body().asJsonObject(), commands.now());
    respond(rc, 201, audited(rc, 201).checkIn(rc.pathParam("queueId"), checkIn, actor(rc)).map(this::withLink));
  }

  public void addAppointment(RoutingContext rc) {
    CheckIn appointment = checkIn(rc.body().asJsonObject(), commands.now());
    respond(rc, 201, audited(rc, 201).expect(rc.pathParam("queueId"), appointment, actor(rc)).map(this::withLink));
  }

  public void callNext(RoutingContext rc) {
    String to = rc.body().asJsonObject().getString("calledTo").trim();
    if (to.isEmpty()) throw new QueueException.Invalid("Say which desk or room the patient is called to.");
    respond(rc, 200, audited(rc, 200).callNext(rc.pathParam("queueId"), to, actor(rc)).map(EntryJson::staff));
  }

  public void getEntry(RoutingContext rc) {
    UUID id = entryId(rc);
    respond(rc, 200, commands.linkedEntry(id).map(this::withLink)
        .compose(json -> commands.history(id).map(h -> json.put("history", EntryJson.history(h)))));
  }

  /** Handler for an entry command that takes no body, e.g. recall or complete. */
  public void onEntry(RoutingContext rc, EntryCommand command) {
    respond(rc, 200, command.run(audited(rc, 200), entryId(rc), actor(rc)).map(EntryJson::staff));
  }

  public void transfer(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    Priority priority = in.getString("priority") == null ? null : Priority.fromWire(in.getString("priority"));
    respond(rc, 200, audited(rc, 200).transfer(entryId(rc), in.getString("queueId"), priority, actor(rc))
        .map(this::withLink));
  }

  /** The commands with this request's audit record written in their own transaction, as answering {@code status}. */
  private QueueCommands audited(RoutingContext rc, int status) {
    return audited(commands, rc, status);
  }

  static QueueCommands audited(QueueCommands commands, RoutingContext rc, int status) {
    return commands.beforeCommit(AuditTrail.beforeCommit(rc, status));
  }

  private JsonObject withLink(LinkedEntry e) {
    return EntryJson.staff(e.entry()).put("patientLink", patientLink(publicUrl, e));
  }

  static String patientLink(String publicUrl, LinkedEntry e) {
    return publicUrl + "/visit/" + e.visitToken();
  }

  /** The oldest birth date a patient checking in can have: nobody alive was born before it. */
  static final LocalDate OLDEST_BIRTH_DATE = LocalDate.of(1880, 1, 1);
  /** What a phone number as typed at a desk is made of: digits, spaces, and + ( ) . - and / between them. */
  private static final java.util.regex.Pattern PHONE = java.util.regex.Pattern.compile("\\+?[0-9 ().\\-/]*[0-9][0-9 ().\\-/]*");

  /**
   * The check-in in the body; a birth date after tomorrow (UTC, by the node's clock: any site's today) or before
   * {@link #OLDEST_BIRTH_DATE}, and a phone number that is not one, are refused.
   */
  private static CheckIn checkIn(JsonObject in, Instant now) {
    JsonObject p = in.getJsonObject("patient");
    LocalDate birth = p.getString("birthDate") == null ? null : LocalDate.parse(p.getString("birthDate"));
    if (birth != null && birth.isAfter(LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1))) {
      throw new QueueException.Invalid("The birth date " + birth + " is in the future.");
    }
    if (birth != null && birth.isBefore(OLDEST_BIRTH_DATE)) {
      throw new QueueException.Invalid("The birth date " + birth + " is too long ago; check the year.");
    }
    String phone = p.getString("phone");
    if (phone != null && !phone.isBlank() && !PHONE.matcher(phone.strip()).matches()) {
      throw new QueueException.Invalid("The phone number '" + phone.strip() + "' is not one: use digits, with + for"
          + " an international number (like +44 7700 900123).");
    }
    Patient patient = new Patient(p.getString("name").trim(), birth, p.getString("mrn"), p.getString("phone"),
        p.getString("email"));
    if (patient.name().isEmpty()) throw new QueueException.Invalid("The patient's name is empty.");
    Instant appointment = in.getString("appointmentAt") == null ? null
        : instant("appointmentAt", in.getString("appointmentAt"));
    Priority priority = Priority.fromWire(in.getString("priority", "normal"));
    return new CheckIn(patient, priority, appointment, in.getString("appointmentRef"));
  }

  /** The contract's date-time format lets a time without offset through, and that names no instant. */
  private static Instant instant(String field, String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw new Problems.BadRequest("'" + field + "' must be a date and time with its offset, like"
          + " 2026-05-01T09:30:00Z or 2026-05-01T10:30:00+01:00.");
    }
  }

  /** The contract checks the range, but lets through numbers that do not fit a long, or are written as 5.0. */
  private static long wholeNumber(RoutingContext rc, String name, long otherwise) {
    String value = rc.queryParams().get(name);
    if (value == null) return otherwise;
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new Problems.BadRequest("The query parameter " + name + " must be a whole number such as 42.");
    }
  }

  /** Names the entry a request found, for its audit record. */
  static Entry named(RoutingContext rc, Entry e) {
    Caller.entry(rc, e.id());
    return e;
  }

  private static UUID entryId(RoutingContext rc) {
    return UUID.fromString(rc.pathParam("entryId"));
  }

  static String actor(RoutingContext rc) {
    String actor = rc.get("actor");
    return actor == null ? "anonymous" : actor;
  }

  static void respond(RoutingContext rc, int status, Future<?> result) {
    result.onSuccess(body -> {
      if (rc.response().ended()) return;
      rc.response().setStatusCode(status).putHeader("Content-Type", "application/json");
      if (body == null) {
        rc.response().end();
      } else if (body instanceof JsonObject o) {
        rc.response().end(o.encode());
      } else {
        rc.response().end(((JsonArray) body).encode());
      }
    }).onFailure(rc::fail);
  }

}
