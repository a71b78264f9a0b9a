package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AuditEvent;
import io.waitline.access.AuditLog;
import io.waitline.access.Principal;
import io.waitline.queue.command.QueueCommands;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit log: one record when a request ends, for every operation that is not purely public and for the
 * security events among the public ones (sign-in, API tokens, first setup, device pairing), whatever their outcome.
 * A record says who (staff, device, patient link or anonymous), what (the operationId), about which site and patient
 * entry, the HTTP status and where from. Credentials (passwords, tokens, codes, visit links) are never written.
 * A queue command's record is written in the command's own transaction ({@link #beforeCommit}): the change and its
 * record commit together or not at all. Other records (reads, refusals) are best effort: a failed write is logged
 * and never changes the answer.
 */
public final class AuditTrail {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  /** Public operations that are still written down: every attempt at a credential. */
  static final Set<String> SECURITY_EVENTS = Set.of("signIn", "createApiToken", "setUpFirstAdmin", "pairDevice");
  /** Path parameters that have their own column, or are credentials. */
  private static final Set<String> NOT_IN_DETAIL = Set.of("siteId", "entryId", "token");
  /** What {@link #beforeCommit} needs of an audited request, kept on it by {@link #forOperation}. */
  private static final String PENDING = "waitline.audit.pending";
  /** Set once the request's record is written before its answer (in a command's transaction, or a sign-in's). */
  private static final String WRITTEN = "waitline.audit.written";
  /** Body fields worth keeping, per operation; everything else in a body stays out of the log. */
  private static final Map<String, List<String>> BODY_FIELDS = Map.ofEntries(
      Map.entry("signIn", List.of("username")),
      Map.entry("createApiToken", List.of("username")),
      Map.entry("setUpFirstAdmin", List.of("username")),
      Map.entry("callNext", List.of("calledTo")),
      Map.entry("transfer", List.of("queueId", "priority")),
      Map.entry("createDevicePairing", List.of("kind", "name")),
      Map.entry("createStaffAccount", List.of("username", "roles")),
      Map.entry("updateStaffAccount", List.of("displayName", "roles", "disabled")),
      Map.entry("refundPayment", List.of("amountMinor", "reason")),
      Map.entry("payCash", List.of("amountMinor")),
      // which past days a manager had rolled up again
      Map.entry("rebuildInsights", List.of("from")));
  /** Query parameters worth keeping, per operation: what a FHIR search or an insights view or export covered. */
  private static final Map<String, List<String>> QUERY_FIELDS = Map.of(
      "searchFhirAppointments", List.of("location", "date", "_page"),
      "searchFhirEncounters", List.of("location", "date", "_page"),
      // which visits a manager viewed or exported
      "getInsights", List.of("from", "to", "queue", "priority", "source", "format"),
      "listInsightVisits", List.of("from", "to", "queue", "priority", "source", "format"));

  private final AuditLog log;
  private final ClientAddress clientAddress;

  /** Records the TCP peer as the client's address. */
  public AuditTrail(AuditLog log) {
    this(log, ClientAddress.TCP_PEER);
  }

  public AuditTrail(AuditLog log, ClientAddress clientAddress) {
    this.log = log;
    this.clientAddress = clientAddress;
  }

  /** Whether requests to an operation with this access list are written down. */
  public static boolean audits(String operationId, List<String> access) {
    return SECURITY_EVENTS.contains(operationId) || !access.stream().allMatch("public"::equals);
  }

  /** The route handler: records the request once its answer has been sent; passes through unaudited operations. */
  public Handler<RoutingContext> forOperation(String operationId, List<String> access) {
    if (!audits(operationId, access)) return RoutingContext::next;
    boolean patient = access.contains("patient");
    return rc -> {
      rc.put(PENDING, new Pending(this, operationId, patient));
      rc.addEndHandler(ended -> {
        if (writtenWithCommand(rc)) return;
        write(event(rc, operationId, patient, rc.response().getStatusCode(), detail(rc, operationId)));
      });
      rc.next();
    };
  }

  private record Pending(AuditTrail trail, String action, boolean patient) {}

  /**
   * The request's audit record as work for the transaction of the queue command it asks for, written as answering
   * {@code outcome}; null when the operation is not audited. If it cannot be written the command fails, and if the
   * command fails after all the record is rolled back with it and the request's end writes the failure instead.
   */
  public static QueueCommands.BeforeCommit beforeCommit(RoutingContext rc, int outcome) {
    Pending pending = rc.get(PENDING);
    if (pending == null) return null;
    return (c, entry) -> {
      if (entry != null && Caller.entry(rc) == null) Caller.entry(rc, entry.id());
      AuditEvent event = pending.trail().event(rc, pending.action(), pending.patient(), outcome,
          detail(rc, pending.action()));
      // the command rolls back with its record, and the caller hears why (503), not a bare 500
      return pending.trail().log.record(c, event).onSuccess(v -> rc.put(WRITTEN, true))
          .recover(err -> Future.failedFuture(new Problems.AuditUnavailable(err)));
    };
  }

  /**
   * Writes the request's record now, as answering {@code outcome}, for an operation that must not succeed unwritten
   * (a sign-in hands out its credential only once this succeeds); the end of the request then writes nothing more,
   * unless the answer turns out to be a failure after all.
   */
  public static Future<Void> recordBeforeAnswer(RoutingContext rc, int outcome) {
    Pending pending = rc.get(PENDING);
    if (pending == null) return Future.succeededFuture();
    AuditTrail trail = pending.trail();
    return trail.log.record(trail.event(rc, pending.action(), pending.patient(), outcome, detail(rc, pending.action())))
        .onSuccess(v -> rc.put(WRITTEN, true));
  }

  private static boolean writtenWithCommand(RoutingContext rc) {
    return Boolean.TRUE.equals(rc.get(WRITTEN)) && rc.response().getStatusCode() < 400;
  }

  /** Records an event outside the REST operations, e.g. a feed opened, for the caller the guard found. */
  public void record(RoutingContext rc, String action, int outcome, JsonObject detail) {
    write(event(rc, action, false, outcome, detail));
  }

  /** Records that a patient link opened its own visit feed ({@code entry} names the visit). */
  public void recordPatient(RoutingContext rc, String action, UUID entry, String siteId) {
    Caller.entry(rc, entry);
    Caller.site(rc, siteId);
    write(event(rc, action, true, 101, null));
  }

  private void write(AuditEvent event) {
    try {
      log.record(event).onFailure(err -> LOG.warn("Could not write the audit record of {} ({}): {}",
          event.action(), event.outcome(), err.toString()));
    } catch (RuntimeException err) {
      LOG.warn("Could not write the audit record of {} ({}): {}", event.action(), event.outcome(), err.toString());
    }
  }

  private AuditEvent event(RoutingContext rc, String action, boolean patient, int outcome, JsonObject detail) {
    Principal caller = Caller.of(rc);
    UUID entry = entry(rc);
    String kind = caller.kind();
    String id = caller.id();
    String name = caller.displayName();
    if (patient && caller instanceof Principal.Anonymous) {
      // the visit link is the credential; the entry it belongs to names the patient
      kind = "patient";
      id = entry == null ? null : entry.toString();
      name = "patient link";
    }
    String site = Caller.site(rc) != null ? Caller.site(rc) : rc.pathParam("siteId");
    // a refused request may carry text PostgreSQL cannot store (NUL); its record shows it as U+FFFD instead
    return new AuditEvent(kind, id, storable(name), action, storable(site), entry, outcome, clientAddress.of(rc),
        detail == null || detail.isEmpty() ? null : (JsonObject) storable(detail));
  }

  private static String storable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  private static Object storable(Object value) {
    if (value instanceof String text) return storable(text);
    if (value instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(storable(e.getKey()), storable(e.getValue())));
      return out;
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      return new io.vertx.core.json.JsonArray(a.stream().map(AuditTrail::storable).toList());
    }
    return value;
  }

  private static UUID entry(RoutingContext rc) {
    if (Caller.entry(rc) != null) return Caller.entry(rc);
    String path = rc.pathParam("entryId");
    if (path == null) return null;
    try {
      return UUID.fromString(path);
    } catch (IllegalArgumentException e) {
      return null; // refused by validation; nothing was touched
    }
  }

  private static JsonObject detail(RoutingContext rc, String operationId) {
    JsonObject detail = new JsonObject();
    rc.pathParams().forEach((name, value) -> {
      if (!NOT_IN_DETAIL.contains(name)) detail.put(name, value);
    });
    if (operationId.equals("listTodaysEntries") && rc.queryParams().get("q") != null) {
      detail.put("search", rc.queryParams().get("q")); // who looked for whom
    }
    for (String name : QUERY_FIELDS.getOrDefault(operationId, List.of())) {
      List<String> values = rc.queryParam(name);
      if (!values.isEmpty()) detail.put(name, String.join(",", values));
    }
    List<String> fields = BODY_FIELDS.get(operationId);
    JsonObject body = fields == null ? null : jsonBody(rc);
    if (body != null) {
      for (String field : fields) {
        if (body.containsKey(field)) detail.put(field, body.getValue(field));
      }
    }
    return detail;
  }

  private static JsonObject jsonBody(RoutingContext rc) {
    RequestBody body = rc.body();
    if (body == null || body.isEmpty()) return null;
    try {
      return body.asJsonObject();
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }
}
