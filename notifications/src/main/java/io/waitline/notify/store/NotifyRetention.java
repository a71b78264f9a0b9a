package io.waitline.notify.store;

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
 * The notifications module's part of retention. Messages written before the cutoff and finished (nothing left to
 * try) lose their template values (a receipt's card and link), their last error, and every attempt's recipient
 * address, fingerprint and provider detail; kind, state, channel, ticket and times stay. Patients' choices,
 * Firebase tokens and Web Push subscriptions of visits before the cutoff are deleted. SMS opt-outs (STOP) are kept:
 * they must be honoured for as long as the number may be texted.
 */
public final class NotifyRetention {
  private final RetentionBatches batches;
  private final Retention retention;

  public NotifyRetention(Pool pool, Retention retention, int batchSize) {
    this.batches = new RetentionBatches(pool, "notifications", batchSize);
    this.retention = retention;
  }

  /** Removes what is past retention at {@code now}; yields how many messages and subscriptions it changed. */
  public Future<Integer> removeDetails(Instant now) {
    Instant cutoff = retention.cutoff(now);
    return batches.run(c -> messages(c, now, cutoff)
        .compose(n -> batches.deleteBefore(c, "notify_preference", "visit_token", "updated_at", cutoff).map(m -> n + m))
        .compose(n -> batches.deleteBefore(c, "notify_push_token", "token", "created_at", cutoff).map(m -> n + m))
        .compose(n -> batches.deleteBefore(c, "notify_web_push", "endpoint", "created_at", cutoff).map(m -> n + m)));
  }

  private Future<Integer> messages(SqlConnection c, Instant now, Instant cutoff) {
    return c.preparedQuery("UPDATE notify_intent SET params = '{}'::jsonb, last_error = NULL, details_removed_at = $1"
            + " WHERE id IN (SELECT id FROM notify_intent WHERE details_removed_at IS NULL AND created_at < $2"
            + " AND next_attempt_at IS NULL AND state <> 'sending' LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id")
        .execute(Tuple.of(Rows.odt(now), Rows.odt(cutoff), batches.size()))
        .compose(rows -> {
          UUID[] ids = Rows.map(rows, r -> r.getUUID("id")).toArray(UUID[]::new);
          if (ids.length == 0) return Future.succeededFuture(0);
          return c.preparedQuery("UPDATE notify_attempt SET recipient = NULL, fingerprint = NULL, detail = NULL"
                  + " WHERE intent_id = ANY($1)")
              .execute(Tuple.of(ids)).map(v -> ids.length);
        });
  }
}
