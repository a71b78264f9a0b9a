package io.waitline.access;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One line of the audit log: who ({@code actorKind} staff/device/anonymous/patient, id, name) did what
 * ({@code action}: an operationId or a feed/sign-in event) about which site and entry, with what HTTP
 * {@code outcome}, from where; {@code detail} is optional extra context.
 */
public record AuditEvent(String actorKind, String actorId, String actorName, String action, String siteId,
    UUID entryId, int outcome, String remoteAddress, JsonObject detail) {
}
