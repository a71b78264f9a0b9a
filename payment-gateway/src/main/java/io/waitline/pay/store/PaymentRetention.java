package io.waitline.pay.store;

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
 * The payments module's part of retention. A payment made before the cutoff whose outcome is known loses the card's
 * brand and last four digits, its receipt link (a dead token: the receipt page is gone), the processor's texts of
 * its calls and the reasons typed for its refunds; amounts, states, times and the processor's references (for
 * reconciliation and disputes) stay.
 */
public final class PaymentRetention {
  private final RetentionBatches batches;
  private final Retention retention;

  public PaymentRetention(Pool pool, Retention retention, int batchSize) {
    this.batches = new RetentionBatches(pool, "payments", batchSize);
    this.retention = retention;
  }

  /** Removes the details of every settled payment past retention at {@code now}; yields how many payments. */
  public Future<Integer> removeDetails(Instant now) {
    return batches.run(c -> batch(c, now));
  }

  private Future<Integer> batch(SqlConnection c, Instant now) {
    return c.preparedQuery("UPDATE payment SET card_brand = NULL, card_last4 = NULL,"
            + " receipt_token = 'removed-' || gen_random_uuid(), details_removed_at = $1"
            + " WHERE id IN (SELECT id FROM payment WHERE details_removed_at IS NULL AND created_at < $2"
            + " AND state NOT IN ('unknown', 'processing', 'authorized') LIMIT $3 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id")
        .execute(Tuple.of(Rows.odt(now), Rows.odt(retention.cutoff(now)), batches.size()))
        .compose(rows -> {
          UUID[] ids = Rows.map(rows, r -> r.getUUID("id")).toArray(UUID[]::new);
          if (ids.length == 0) return Future.succeededFuture(0);
          return c.preparedQuery("UPDATE payment_call SET detail = NULL WHERE payment_id = ANY($1)")
              .execute(Tuple.of(ids))
              .compose(v -> c.preparedQuery("UPDATE payment_refund SET reason = '' WHERE payment_id = ANY($1)")
                  .execute(Tuple.of(ids)))
              .map(v -> ids.length);
        });
  }
}
