package io.waitline.edge.rest;

import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.JsonReply;
import io.waitline.edge.pipeline.Problems;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AuditLog;
import io.waitline.access.AuditQuery;
import io.waitline.access.Principal;
import io.waitline.access.Role;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reading the audit log: managers see the records of the sites where they are manager (or admin); those who hold
 * manager or admin at every site see every record, including those about no site such as sign-ins.
 */
public final class AuditApi {
  private final AuditLog log;

  public AuditApi(AuditLog log) {
    this.log = log;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("queryAuditLog", this::query);
  }

  private void query(RoutingContext rc) {
    if (!(Caller.of(rc) instanceof Principal.Staff staff)) {
      throw new Problems.AccessDenied(401, "Please sign in as a manager to read the audit log.");
    }
    Set<String> visible = visibleSites(staff);
    String siteId = param(rc, "siteId");
    if (visible != null && visible.isEmpty()) {
      throw new Problems.AccessDenied(403, "Only managers may read the audit log, and you are manager at no site.");
    }
    if (siteId != null && visible != null && !visible.contains(siteId)) {
      throw new Problems.AccessDenied(403, "You are not a manager at site " + siteId
          + ", so you may not read its audit records.");
    }
    Instant from = instant(rc, "from");
    Instant to = instant(rc, "to");
    if (from != null && to != null && from.isAfter(to)) {
      throw new Problems.BadRequest("'from' (" + from + ") is after 'to' (" + to + "); give the earlier time as"
          + " 'from'.");
    }
    String entry = param(rc, "entryId");
    String before = param(rc, "before");
    String limit = param(rc, "limit");
    AuditQuery query = new AuditQuery(visible, siteId, entry == null ? null : uuid(entry), param(rc, "actorId"),
        param(rc, "action"), from, to, before == null ? null : whole(before, "before"),
        limit == null ? 100 : (int) whole(limit, "limit"));
    JsonReply.send(rc, 200, log.query(query));
  }

  /** The sites whose records this manager may read; null for every site. */
  static Set<String> visibleSites(Principal.Staff staff) {
    if (reads(staff.rolesAt(null))) return null;
    return staff.rolesBySite().entrySet().stream().filter(e -> reads(e.getValue())).map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static boolean reads(Set<Role> roles) {
    return roles.contains(Role.MANAGER) || roles.contains(Role.ADMIN);
  }

  private static String param(RoutingContext rc, String name) {
    String value = rc.queryParams().get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** The contract's date-time format lets a time without offset through, and that names no instant. */
  private static Instant instant(RoutingContext rc, String name) {
    String text = param(rc, name);
    if (text == null) return null;
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new Problems.BadRequest("'" + name + "' must be a date and time with its offset, like"
          + " 2026-05-01T09:30:00Z.");
    }
  }

  private static UUID uuid(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new Problems.BadRequest("'entryId' must be an entry id such as 3f2b8c1e-9d4a-4c6b-8e2f-1a7d5b9c0e42.");
    }
  }

  private static long whole(String text, String name) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Problems.BadRequest("The query parameter " + name + " must be a whole number such as 42.");
    }
  }
}
