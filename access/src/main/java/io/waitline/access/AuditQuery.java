package io.waitline.access;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A filter over the audit log. {@code sitesOrNullForAll} limits the result to the sites the reader may see (null: all
 * sites); the other fields are optional filters; {@code before} is the paging cursor (an id) and {@code limit} the page
 * size.
 */
public record AuditQuery(Set<String> sitesOrNullForAll, String siteId, UUID entryId, String actorId, String action,
    Instant from, Instant to, Long before, int limit) {
}
