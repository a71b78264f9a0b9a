package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.sql.Rows;
import java.time.Instant;

/**
 * The SQL of failed password attempts, counted per (lower-case username, client address) whether or not the
 * username names an account. Every method runs on the client it is given.
 */
public final class PasswordFailureStore {
  /** Stale rows removed per recorded failure: enough to keep up, little enough to bound each request's work. */
  private static final int PRUNE_BATCH = 100;

  /** Until when {@code username} is refused from {@code address}: null when it is not (or no more) refused. */
  public Future<Instant> lockedUntil(SqlClient c, String username, String address, Instant now) {
    return c.preparedQuery("""
            SELECT locked_until FROM password_failure
            WHERE username = $1 AND remote_address = $2 AND locked_until > $3""")
        .execute(Tuple.of(username, address, Rows.odt(now)))
        .map(rs -> rs.size() == 0 ? null : Rows.instant(rs.iterator().next().getOffsetDateTime(0)));
  }

  /**
   * Counts one failure in one atomic statement (concurrent failures each count): the count starts again when the
   * last failure is older than {@code windowStart} or a lock ran out, and reaching {@code limit} locks until
   * {@code lockUntil}. Returns until when the pair is locked now, or null.
   */
  public Future<Instant> recordFailure(SqlClient c, String username, String address, Instant now,
      Instant windowStart, int limit, Instant lockUntil) {
    return c.preparedQuery("""
            INSERT INTO password_failure AS f (username, remote_address, failures, last_failed_at, locked_until)
            VALUES ($1, $2, 1, $3, CASE WHEN $4::int <= 1 THEN $6::timestamptz END)
            ON CONFLICT (username, remote_address) DO UPDATE SET
              failures = CASE
                WHEN f.locked_until > $3 THEN f.failures
                WHEN f.locked_until IS NOT NULL OR f.last_failed_at < $5 THEN 1
                ELSE f.failures + 1 END,
              locked_until = CASE
                WHEN f.locked_until > $3 THEN f.locked_until
                WHEN (CASE WHEN f.locked_until IS NOT NULL OR f.last_failed_at < $5 THEN 1 ELSE f.failures + 1 END)
                  >= $4::int THEN $6::timestamptz
                ELSE NULL END,
              last_failed_at = $3
            RETURNING locked_until""")
        .execute(Tuple.of(username, address, Rows.odt(now), limit, Rows.odt(windowStart), Rows.odt(lockUntil)))
        .map(rs -> {
          Instant until = Rows.instant(rs.iterator().next().getOffsetDateTime(0));
          return until != null && until.isAfter(now) ? until : null;
        });
  }

  /** Forgets the failures of {@code username} from {@code address} (a success there). */
  public Future<Void> clear(SqlClient c, String username, String address) {
    return c.preparedQuery("DELETE FROM password_failure WHERE username = $1 AND remote_address = $2")
        .execute(Tuple.of(username, address)).mapEmpty();
  }

  /** Forgets the failures and lifts the locks of {@code username} from every address (an admin unlocks). */
  public Future<Void> clearAll(SqlClient c, String username) {
    return c.preparedQuery("DELETE FROM password_failure WHERE username = $1").execute(Tuple.of(username))
        .mapEmpty();
  }

  /** Removes a bounded batch of rows that no longer count: last failure before {@code staleBefore}, no lock left. */
  public Future<Void> prune(SqlClient c, Instant staleBefore, Instant now) {
    return c.preparedQuery("""
            DELETE FROM password_failure WHERE ctid = ANY(ARRAY(
              SELECT ctid FROM password_failure
              WHERE last_failed_at < $1 AND (locked_until IS NULL OR locked_until <= $2) LIMIT $3))""")
        .execute(Tuple.of(Rows.odt(staleBefore), Rows.odt(now), PRUNE_BATCH)).mapEmpty();
  }
}
