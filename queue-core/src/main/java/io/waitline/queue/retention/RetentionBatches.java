package io.waitline.queue.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.function.Function;

/**
 * Runs one module's retention as bounded batches, each its own transaction: a batch that fails or is cut off leaves
 * its records as they were, and the next run finds them again. A transaction-scoped advisory lock named after the
 * job keeps two nodes from running the same batch at once: the node that does not get it stops, the other goes on.
 */
public final class RetentionBatches {
  /** At most this many batches per run, so one run's work is bounded; the next run goes on where it stopped. */
  public static final int MAX_BATCHES = 200;

  private final Pool pool;
  private final String job;
  private final int size;

  /**
   * @param job names the lock (e.g. {@code "queue-core"})
   * @param size the most records a batch handles
   */
  public RetentionBatches(Pool pool, String job, int size) {
    this.pool = pool;
    this.job = job;
    this.size = size;
  }

  public int size() {
    return size;
  }

  /**
   * Runs {@code batch} (which handles at most {@link #size} records and yields how many) until a batch finds fewer,
   * another node holds the lock, or {@link #MAX_BATCHES} have run; yields how many records were handled.
   */
  public Future<Integer> run(Function<SqlConnection, Future<Integer>> batch) {
    return run(batch, 0, 0);
  }

  /**
   * Deletes at most {@link #size} rows of {@code table} (its key column {@code key}) whose {@code time} column is
   * before {@code cutoff}; yields how many. The names are the calling store's own, never input.
   */
  public Future<Integer> deleteBefore(SqlConnection c, String table, String key, String time, Instant cutoff) {
    return c.preparedQuery("DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
            + " WHERE " + time + " < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)")
        .execute(Tuple.of(Rows.odt(cutoff), size)).map(rows -> rows.rowCount());
  }

  private Future<Integer> run(Function<SqlConnection, Future<Integer>> batch, int done, int batches) {
    if (batches == MAX_BATCHES) return Future.succeededFuture(done);
    return pool.withTransaction(c -> c.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1))")
            .execute(Tuple.of("retention:" + job))
            // -1: another node holds the lock
            .compose(rows -> rows.iterator().next().getBoolean(0) ? batch.apply(c) : Future.succeededFuture(-1)))
        .compose(n -> n < 0 ? Future.succeededFuture(done)
            : n < size ? Future.succeededFuture(done + n) : run(batch, done + n, batches + 1));
  }
}
