package io.waitline.edge.pipeline;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The rate-limit buckets in PostgreSQL (table {@code rate_limit}), so that every instance and every node on one
 * database spends one budget, and a restart does not refill it. A bucket holds a minute's budget and refills evenly;
 * taking a token is one upsert.
 */
public final class RateLimitStore {
  static final long WINDOW_MS = 60_000;
  /** The bucket's tokens after refilling for the time since it was last touched, never above a full bucket. */
  private static final String REFILLED = "LEAST($3::float8, r.tokens + GREATEST(0, $4 - r.updated_ms) * $3::float8 / "
      + WINDOW_MS + ")";
  private static final String TAKE = "INSERT INTO rate_limit AS r (bucket, subject, tokens, updated_ms, granted) "
      + "VALUES ($1, $2, $3::float8 - 1, $4, true) "
      + "ON CONFLICT (bucket, subject) DO UPDATE SET "
      + "granted = " + REFILLED + " >= 1, "
      + "tokens = " + REFILLED + " - CASE WHEN " + REFILLED + " >= 1 THEN 1 ELSE 0 END, "
      + "updated_ms = GREATEST(r.updated_ms, $4) "
      + "RETURNING granted, tokens";

  private final SqlClient db;

  public RateLimitStore(SqlClient db) {
    this.db = db;
  }

  /**
   * Takes one token from {@code bucket}'s bucket for {@code subject} ({@code perMinute} tokens when full) at
   * {@code nowMs}. Completes with 0 when there was one, otherwise with how many milliseconds until there is.
   */
  public Future<Long> take(String bucket, String subject, int perMinute, long nowMs) {
    return db.preparedQuery(TAKE).execute(Tuple.of(bucket, subject, perMinute, nowMs)).map(rows -> {
      Row row = rows.iterator().next();
      if (row.getBoolean("granted")) return 0L;
      // no rounding error past a millisecond
      return (long) Math.ceil((1 - row.getDouble("tokens")) * WINDOW_MS / perMinute - 1e-6);
    });
  }

  /** Deletes the buckets untouched for a whole minute (they are full again); completes with how many went. */
  public Future<Integer> forgetIdle(long nowMs) {
    return db.preparedQuery("DELETE FROM rate_limit WHERE updated_ms <= $1").execute(Tuple.of(nowMs - WINDOW_MS))
        .map(rows -> rows.rowCount());
  }

  /** How many buckets are kept now. */
  public Future<Integer> size() {
    return db.query("SELECT count(*) FROM rate_limit").execute().map(rows -> rows.iterator().next().getInteger(0));
  }
}
