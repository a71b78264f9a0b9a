package io.waitline.queue.retention;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.UUID;

/**
 * Runs a module's retention as bounded batches, each its own transaction: a batch that fails or is cut off leaves
 * its records as they were, and the next run finds them again. A transaction-scoped advisory lock named after the
 * module keeps two nodes from running its batches at once: the node that does not get it stops, the other goes on.
 * Each module keeps its own SQL in a {@link Batch}; this only repeats it.
 */
public final class RetentionBatches {
  /** At most this many batches per module and run, so one run's work is bounded; the next run goes on. */
  public static final int MAX_BATCHES = 200;

  /** One batch of a module's removal, in transaction {@code c}: at most {@link Window#size} records; yields how many. */
  @FunctionalInterface
  public interface Batch {
    Future<Integer> apply(SqlConnection c, Window w);
  }

  /** What a batch works with: the run's instant, how long details are kept, and the most records it may handle. */
  public record Window(Instant now, Retention retention, int size) {
    /** Records written before this instant are past retention. */
    public Instant cutoff() {
      return retention.cutoff(now);
    }
  }

  private final Pool pool;
  private final Retention retention;
  private final int size;

  public RetentionBatches(Pool pool, Retention retention, int size) {
    this.pool = pool;
    this.retention = retention;
    this.size = size;
  }

  /**
   * Runs {@code module}'s {@code batch} until a batch handles fewer than the window's size, another node holds the
   * module's lock, or {@link #MAX_BATCHES} have run; yields how many records were handled.
   */
  public Future<Integer> run(String module, Instant now, Batch batch) {
    return run(module, new Window(now, retention, size), batch, 0, 0);
  }

  private Future<Integer> run(String module, Window w, Batch batch, int done, int batches) {
    if (batches == MAX_BATCHES) return Future.succeededFuture(done);
    return pool.withTransaction(c -> c.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1))")
            .execute(Tuple.of("retention:" + module))
            // -1: another node holds the lock
            .compose(rows -> rows.iterator().next().getBoolean(0) ? batch.apply(c, w) : Future.succeededFuture(-1)))
        .compose(n -> n < 0 ? Future.succeededFuture(done)
            : n < w.size() ? Future.succeededFuture(done + n) : run(module, w, batch, done + n, batches + 1));
  }

  /**
   * Deletes at most a window's size of rows of {@code table} (key column {@code key}) whose {@code time} column is
   * before the cutoff; yields how many. The names are the calling store's own, never input.
   */
  public static Future<Integer> deleteBefore(SqlConnection c, Window w, String table, String key, String time) {
    return c.preparedQuery("DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table
            + " WHERE " + time + " < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)")
        .execute(Tuple.of(Rows.odt(w.cutoff()), w.size())).map(rows -> rows.rowCount());
  }

  /**
   * After a batch's first statement returned the ids (a uuid column {@code id}) of the records it changed: runs each
   * of {@code statements} in order with those ids as {@code $1} (a uuid[]); yields how many ids there were.
   */
  public static Future<Integer> thenEach(SqlConnection c, RowSet<Row> changed, String... statements) {
    UUID[] ids = Rows.map(changed, r -> r.getUUID("id")).toArray(UUID[]::new);
    if (ids.length == 0) return Future.succeededFuture(0);
    Future<Void> done = Future.succeededFuture();
    for (String sql : statements) done = done.compose(v -> c.preparedQuery(sql).execute(Tuple.of(ids)).mapEmpty());
    return done.map(v -> ids.length);
  }
}
