package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.AuditEvent;
import io.waitline.access.AuditQuery;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL of the append-only audit log. */
public final class AuditStore {
  /** One stored record. */
  public record AuditRecord(long id, Instant at, String actorKind, String actorId, String actorName, String action,
      String siteId, UUID entryId, int outcome, String remoteAddress, JsonObject detail) {}

  public Future<Void> insert(SqlClient c, Instant at, AuditEvent e, String actorName) {
    return c.preparedQuery("""
            INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, site_id, entry_id, outcome,
              remote_address, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
        .execute(Tuple.tuple().addValue(Rows.odt(at)).addValue(e.actorKind()).addValue(e.actorId())
            .addValue(actorName).addValue(e.action()).addValue(e.siteId()).addValue(e.entryId())
            .addValue(e.outcome()).addValue(e.remoteAddress()).addValue(e.detail()))
        .mapEmpty();
  }

  /** Up to {@code limit} records matching every filter of {@code q} (not its limit), newest first. */
  public Future<List<AuditRecord>> page(SqlClient c, AuditQuery q, int limit) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE true");
    if (q.sitesOrNullForAll() != null) {
      params.add(q.sitesOrNullForAll().toArray(String[]::new));
      where.append(" AND site_id = ANY($").append(params.size()).append(")");
    }
    filter(where, params, "site_id = $", q.siteId());
    filter(where, params, "entry_id = $", q.entryId());
    filter(where, params, "actor_id = $", q.actorId());
    filter(where, params, "action = $", q.action());
    filter(where, params, "at >= $", Rows.odt(q.from()));
    filter(where, params, "at < $", Rows.odt(q.to()));
    filter(where, params, "id < $", q.before());
    params.add(limit);
    String sql = "SELECT id, at, actor_kind, actor_id, actor_name, action, site_id, entry_id, outcome,"
        + " remote_address, detail FROM audit_log" + where + " ORDER BY id DESC LIMIT $" + params.size();
    return c.preparedQuery(sql).execute(Tuple.from(params)).map(rs -> {
      List<AuditRecord> out = new ArrayList<>();
      for (Row r : rs) out.add(record(r));
      return out;
    });
  }

  private static void filter(StringBuilder where, List<Object> params, String condition, Object value) {
    if (value == null) return;
    params.add(value);
    where.append(" AND ").append(condition).append(params.size());
  }

  private static AuditRecord record(Row r) {
    Object detail = r.getValue("detail");
    return new AuditRecord(r.getLong("id"), Rows.instant(r.getOffsetDateTime("at")), r.getString("actor_kind"),
        r.getString("actor_id"), r.getString("actor_name"), r.getString("action"), r.getString("site_id"),
        r.getUUID("entry_id"), r.getInteger("outcome"), r.getString("remote_address"),
        detail instanceof JsonObject j ? j : null);
  }
}
