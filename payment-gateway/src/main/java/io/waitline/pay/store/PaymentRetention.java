package io.waitline.pay.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.retention.RetentionBatches.Window;
import io.waitline.queue.sql.Rows;

/**
 * The payments module's part of retention. A payment made before the cutoff whose outcome is known loses the card's
 * brand and last four digits, its receipt link (a dead token: the receipt page is gone), the processor's texts of
 * its calls and the reasons typed for its refunds; amounts, states, times and the processor's references (for
 * reconciliation and disputes) stay.
 */
public final class PaymentRetention {
  private PaymentRetention() {}

  /** One {@link RetentionBatches.Batch}: removes the details of at most a window's size of payments. */
  public static Future<Integer> batch(SqlConnection c, Window w) {
    return c.preparedQuery("UPDATE payment SET card_brand = NULL, card_last4 = NULL,"
            + " receipt_token = 'removed-' || gen_random_uuid(), details_removed_at = $1"
            + " WHERE id IN (SELECT id FROM payment WHERE details_removed_at IS NULL AND created_at < $2"
            + " AND state NOT IN ('unknown', 'processing', 'authorized') LIMIT $3 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id")
        .execute(Tuple.of(Rows.odt(w.now()), Rows.odt(w.cutoff()), w.size()))
        .compose(changed -> RetentionBatches.thenEach(c, changed,
            "UPDATE payment_call SET detail = NULL WHERE payment_id = ANY($1)",
            "UPDATE payment_refund SET reason = '' WHERE payment_id = ANY($1)"));
  }
}
