package io.waitline.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.waitline.access.store.AuditStore;
import io.waitline.access.store.AuditStore.AuditRecord;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The audit log: who read or changed patient data, every sign-in, sign-out, setup, pairing and revocation. Records
 * are only ever inserted; the database refuses UPDATE, DELETE and TRUNCATE on the table.
 */
public final class AuditLog {
  static final int MAX_PAGE = 500;

  private final Pool pool;
  private final AuditSubjects subjects;
  private final Clock clock;
  private final AuditStore store = new AuditStore();

  /** @param subjects names the patient of an audited entry when a page is read */
  public AuditLog(Pool pool, AuditSubjects subjects, Clock clock) {
    this.pool = pool;
    this.subjects = subjects;
    this.clock = clock;
  }

  /** Appends one record, stamped with the current time. */
  public Future<Void> record(AuditEvent e) {
    return record(pool, e);
  }

  /** Appends one record on {@code c}, e.g. in the transaction of the change it records. */
  public Future<Void> record(SqlClient c, AuditEvent e) {
    if (e.actorKind() == null || e.action() == null) {
      return Future.failedFuture(new IllegalArgumentException("an audit record needs an actor kind and an action"));
    }
    return store.insert(c, clock.instant(), e, e.actorName() != null ? e.actorName() : e.actorKind());
  }

  /**
   * Records matching every given filter, newest first: {@code {items: [...], nextBefore}} where {@code nextBefore} is
   * the cursor for the next (older) page, or null when there is none. Each item names the patient concerned
   * (name, MRN, ticket) when it is about an entry that still exists.
   */
  public Future<JsonObject> query(AuditQuery q) {
    int limit = Math.max(1, Math.min(MAX_PAGE, q.limit()));
    // one extra row says whether an older page exists
    return store.page(pool, q, limit + 1).compose(found -> {
      List<AuditRecord> page = found.size() > limit ? found.subList(0, limit) : found;
      Long nextBefore = found.size() > limit ? page.get(limit - 1).id() : null;
      Set<UUID> entries = new HashSet<>();
      for (AuditRecord r : page) if (r.entryId() != null) entries.add(r.entryId());
      Future<Map<UUID, AuditSubjects.Subject>> named = entries.isEmpty() ? Future.succeededFuture(Map.of())
          : subjects.of(entries);
      return named.map(patients -> {
        JsonArray items = new JsonArray();
        for (AuditRecord r : page) items.add(item(r, r.entryId() == null ? null : patients.get(r.entryId())));
        return new JsonObject().put("items", items).put("nextBefore", nextBefore);
      });
    });
  }

  private static JsonObject item(AuditRecord r, AuditSubjects.Subject subjectOrNull) {
    JsonObject patient = subjectOrNull == null ? null : new JsonObject().put("name", subjectOrNull.name())
        .put("mrn", subjectOrNull.mrn()).put("ticket", subjectOrNull.ticket());
    return new JsonObject()
        .put("id", r.id())
        .put("at", r.at().toString())
        .put("actorKind", r.actorKind())
        .put("actorId", r.actorId())
        .put("actorName", r.actorName())
        .put("action", r.action())
        .put("siteId", r.siteId())
        .put("entryId", r.entryId() == null ? null : r.entryId().toString())
        .put("patient", patient)
        .put("outcome", r.outcome())
        .put("remoteAddress", r.remoteAddress())
        .put("detail", r.detail());
  }
}
