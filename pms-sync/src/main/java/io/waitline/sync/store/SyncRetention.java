package io.waitline.sync.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.UUID;

/**
 * pms-sync's part of retention. Before the cutoff: dead letters (the raw records, with their reasons) are deleted;
 * inbox rows lose their detail sentence but keep their key and hash, so a record sent again is still known; a
 * matched patient first seen then, with no appointment since, is deleted with its identifiers and match reviews
 * (their appointments keep their times and entries, without a patient).
 */
public final class SyncRetention {
  private final RetentionBatches batches;
  private final Retention retention;

  public SyncRetention(Pool pool, Retention retention, int batchSize) {
    this.batches = new RetentionBatches(pool, "pms-sync", batchSize);
    this.retention = retention;
  }

  /** Removes what is past retention at {@code now}; yields how many records it changed or deleted. */
  public Future<Integer> removeDetails(Instant now) {
    Instant cutoff = retention.cutoff(now);
    return batches.run(c -> batches.deleteBefore(c, "sync_dead_letter", "id", "created_at", cutoff)
        .compose(n -> inbox(c, cutoff).map(m -> n + m))
        .compose(n -> patients(c, cutoff).map(m -> n + m)));
  }

  private Future<Integer> inbox(SqlConnection c, Instant cutoff) {
    return c.preparedQuery("UPDATE sync_inbox SET detail = NULL WHERE ctid IN (SELECT ctid FROM sync_inbox"
            + " WHERE detail IS NOT NULL AND received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)")
        .execute(Tuple.of(Rows.odt(cutoff), batches.size())).map(rows -> rows.rowCount());
  }

  private Future<Integer> patients(SqlConnection c, Instant cutoff) {
    return c.preparedQuery("SELECT p.id FROM sync_patient p WHERE p.created_at < $1 AND NOT EXISTS (SELECT 1"
            + " FROM sync_appointment a WHERE a.patient_id = p.id AND a.start_at >= $1)"
            + " LIMIT $2 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(Rows.odt(cutoff), batches.size()))
        .compose(rows -> {
          UUID[] ids = Rows.map(rows, r -> r.getUUID("id")).toArray(UUID[]::new);
          if (ids.length == 0) return Future.succeededFuture(0);
          Tuple of = Tuple.of(ids);
          return c.preparedQuery("DELETE FROM sync_match_review WHERE patient_id = ANY($1) OR candidate_id = ANY($1)")
              .execute(of)
              .compose(v -> c.preparedQuery("UPDATE sync_appointment SET patient_id = NULL WHERE patient_id = ANY($1)")
                  .execute(of))
              .compose(v -> c.preparedQuery("DELETE FROM sync_patient_identifier WHERE patient_id = ANY($1)")
                  .execute(of))
              .compose(v -> c.preparedQuery("DELETE FROM sync_patient WHERE id = ANY($1)").execute(of))
              .map(v -> ids.length);
        });
  }
}
