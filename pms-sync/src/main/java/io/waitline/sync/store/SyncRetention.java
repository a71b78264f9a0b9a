package io.waitline.sync.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.retention.RetentionBatches.Window;
import io.waitline.queue.sql.Rows;

/**
 * pms-sync's part of retention. Before the cutoff: dead letters (the raw records, with their reasons) are deleted;
 * inbox rows lose their detail sentence but keep their key and hash, so a record sent again is still known; a
 * matched patient first seen then, with no appointment since, is deleted with its identifiers and match reviews
 * (their appointments keep their times and entries, without a patient).
 */
public final class SyncRetention {
  private SyncRetention() {}

  /** One {@link RetentionBatches.Batch}: at most a window's size of dead letters, inbox rows and patients. */
  public static Future<Integer> batch(SqlConnection c, Window w) {
    return RetentionBatches.deleteBefore(c, w, "sync_dead_letter", "id", "created_at")
        .compose(n -> inbox(c, w).map(m -> n + m))
        .compose(n -> patients(c, w).map(m -> n + m));
  }

  private static Future<Integer> inbox(SqlConnection c, Window w) {
    return c.preparedQuery("UPDATE sync_inbox SET detail = NULL WHERE ctid IN (SELECT ctid FROM sync_inbox"
            + " WHERE detail IS NOT NULL AND received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)")
        .execute(Tuple.of(Rows.odt(w.cutoff()), w.size())).map(rows -> rows.rowCount());
  }

  private static Future<Integer> patients(SqlConnection c, Window w) {
    return c.preparedQuery("SELECT p.id FROM sync_patient p WHERE p.created_at < $1 AND NOT EXISTS (SELECT 1"
            + " FROM sync_appointment a WHERE a.patient_id = p.id AND a.start_at >= $1)"
            + " LIMIT $2 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(Rows.odt(w.cutoff()), w.size()))
        .compose(found -> RetentionBatches.thenEach(c, found,
            "DELETE FROM sync_match_review WHERE patient_id = ANY($1) OR candidate_id = ANY($1)",
            "UPDATE sync_appointment SET patient_id = NULL WHERE patient_id = ANY($1)",
            "DELETE FROM sync_patient_identifier WHERE patient_id = ANY($1)",
            "DELETE FROM sync_patient WHERE id = ANY($1)"));
  }
}
