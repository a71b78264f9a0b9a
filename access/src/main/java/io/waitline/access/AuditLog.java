package io.waitline.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log: who read or changed patient data, every sign-in, sign-out, setup, pairing and revocation. Records
 * are only ever inserted; the database refuses UPDATE, DELETE and TRUNCATE on the table.
 */
public final class AuditLog {
  static final int MAX_PAGE = 500;

  private final Pool pool;
  private final Clock clock;

  public AuditLog(Pool pool, Clock clock) {
    this.pool = pool;
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
    String actorName = e.actorName() != null ? e.actorName() : e.actorKind();
    return c.preparedQuery("""
            INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, site_id, entry_id, outcome,
              remote_address, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
        .execute(Tuple.tuple().addValue(Sql.odt(clock.instant())).addValue(e.actorKind()).addValue(e.actorId())
            .addValue(actorName).addValue(e.action()).addValue(e.siteId()).addValue(e.entryId())
            .addValue(e.outcome()).addValue(e.remoteAddress()).addValue(e.detail()))
        .mapEmpty();
  }

  /**
   * Records matching every given filter, newest first: {@code {items: [...], nextBefore}} where {@code nextBefore} is
   * the cursor for the next (older) page, or null when there is none. Each item names the patient concerned
   * (name, MRN, ticket) when it is about an entry that still exists.
   */
  public Future<JsonObject> query(AuditQuery q) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE true");
    if (q.sitesOrNullForAll() != null) {
      params.add(q.sitesOrNullForAll().toArray(String[]::new));
      where.append(" AND a.site_id = ANY($").append(params.size()).append(")");
    }
    filter(where, params, "a.site_id = $", q.siteId());
    filter(where, params, "a.entry_id = $", q.entryId());
    filter(where, params, "a.actor_id = $", q.actorId());
    filter(where, params, "a.action = $", q.action());
    filter(where, params, "a.at >= $", Sql.odt(q.from()));
    filter(where, params, "a.at < $", Sql.odt(q.to()));
    filter(where, params, "a.id < $", q.before());
    int limit = Math.max(1, Math.min(MAX_PAGE, q.limit()));
    // one extra row says whether an older page exists
    params.add(limit + 1);
    String sql = """
        SELECT a.id, a.at, a.actor_kind, a.actor_id, a.actor_name, a.action, a.site_id, a.entry_id, a.outcome,
          a.remote_address, a.detail, e.id AS patient_entry, e.patient_name, e.patient_mrn, e.ticket
        FROM audit_log a LEFT JOIN entry e ON e.id = a.entry_id""" + where + " ORDER BY a.id DESC LIMIT $"
        + params.size();
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rs -> {
      JsonArray items = new JsonArray();
      Long nextBefore = null;
      for (Row r : rs) {
        if (items.size() == limit) {
          nextBefore = items.getJsonObject(limit - 1).getLong("id");
          break;
        }
        items.add(item(r));
      }
      return new JsonObject().put("items", items).put("nextBefore", nextBefore);
    });
  }

  private static void filter(StringBuilder where, List<Object> params, String condition, Object value) {
    if (value == null) return;
    params.add(value);
    where.append(" AND ").append(condition).append(params.size());
  }

  private static JsonObject item(Row r) {
    JsonObject patient = null;
    if (r.getUUID("patient_entry") != null) {
      patient = new JsonObject().put("name", r.getString("patient_name")).put("mrn", r.getString("patient_mrn"))
          .put("ticket", r.getString("ticket"));
    }
    Object detail = r.getValue("detail");
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("at", Sql.instant(r.getOffsetDateTime("at")).toString())
        .put("actorKind", r.getString("actor_kind"))
        .put("actorId", r.getString("actor_id"))
        .put("actorName", r.getString("actor_name"))
        .put("action", r.getString("action"))
        .put("siteId", r.getString("site_id"))
        .put("entryId", r.getUUID("entry_id") == null ? null : r.getUUID("entry_id").toString())
        .put("patient", patient)
        .put("outcome", r.getInteger("outcome"))
        .put("remoteAddress", r.getString("remote_address"))
        .put("detail", detail instanceof JsonObject ? detail : null);
  }
}
