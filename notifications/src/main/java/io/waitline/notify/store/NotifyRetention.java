package io.waitline.notify.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.retention.RetentionBatches.Window;
import io.waitline.queue.sql.Rows;

/**
 * The notifications module's part of retention. Messages written before the cutoff (but one being sent right now)
 * lose their template values (a receipt's card and link), their last error, and every attempt's recipient address,
 * fingerprint and provider detail; kind, channel, ticket and times stay. One never sent by then is cancelled.
 * Patients' choices, Firebase tokens and Web Push subscriptions of visits before the cutoff are deleted. SMS opt-outs
 * (STOP) are kept: they must be honoured for as long as the number may be texted.
 */
public final class NotifyRetention {
  private NotifyRetention() {}

  /** One {@link RetentionBatches.Batch}: at most a window's size of messages, and of each kind of subscription. */
  public static Future<Integer> batch(SqlConnection c, Window w) {
    return messages(c, w)
        .compose(n -> RetentionBatches.deleteBefore(c, w, "notify_preference", "visit_token", "updated_at")
            .map(m -> n + m))
        .compose(n -> RetentionBatches.deleteBefore(c, w, "notify_push_token", "token", "created_at").map(m -> n + m))
        .compose(n -> RetentionBatches.deleteBefore(c, w, "notify_web_push", "endpoint", "created_at").map(m -> n + m));
  }

  private static Future<Integer> messages(SqlConnection c, Window w) {
    // a message still waiting to go out after all that time is not sent any more: cancelled, or, when it may have
    // left (unknown), no longer looked after
    return c.preparedQuery("UPDATE notify_intent SET params = '{}'::jsonb, last_error = NULL, next_attempt_at = NULL,"
            + " send_now = false, state = CASE WHEN state IN ('pending', 'held', 'failed') THEN 'cancelled'"
            + " ELSE state END, details_removed_at = $1"
            + " WHERE id IN (SELECT id FROM notify_intent WHERE details_removed_at IS NULL AND created_at < $2"
            + " AND state <> 'sending' LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id")
        .execute(Tuple.of(Rows.odt(w.now()), Rows.odt(w.cutoff()), w.size()))
        .compose(changed -> RetentionBatches.thenEach(c, changed,
            "UPDATE notify_attempt SET recipient = NULL, fingerprint = NULL, detail = NULL WHERE intent_id = ANY($1)"));
  }
}
