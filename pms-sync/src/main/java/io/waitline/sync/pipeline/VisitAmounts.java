package io.waitline.sync.pipeline;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * Where an appointment's own co-pay goes (the payments module, wired by the edge). Called in the transaction that
 * applies the record, so the amount and the queue change commit together or not at all.
 */
public interface VisitAmounts {

  /**
   * Sets the co-pay the source gave a visit of {@code siteId}, or, with a null {@code copay}, removes the one this
   * source set before. Fails with {@code QueueException.Invalid} and a sentence when the site cannot take the amount
   * (another currency, more decimals than the currency has, negative); the record then goes to dead letters.
   */
  Future<Void> apply(SqlClient c, String siteId, UUID entryId, SourceAppointment.Copay copay, String source);
}
