package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.sql.Rows;
import java.time.Instant;

/** The SQL of the one-time setup code: at most one, stored as its hash. */
public final class SetupCodeStore {
  /** Stores {@code codeHash} in place of any earlier code. */
  public Future<Void> replace(SqlClient c, String codeHash, Instant now) {
    return c.preparedQuery("""
            INSERT INTO setup_code (id, code_hash, created_at) VALUES (true, $1, $2)
            ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at""")
        .execute(Tuple.of(codeHash, Rows.odt(now))).mapEmpty();
  }

  public Future<Boolean> exists(SqlClient c, String codeHash) {
    return c.preparedQuery("SELECT 1 FROM setup_code WHERE code_hash = $1").execute(Tuple.of(codeHash))
        .map(rs -> rs.size() > 0);
  }

  /** Consumes the code; false when it was not there (any more). */
  public Future<Boolean> consume(SqlClient c, String codeHash) {
    return c.preparedQuery("DELETE FROM setup_code WHERE code_hash = $1").execute(Tuple.of(codeHash))
        .map(rs -> rs.rowCount() == 1);
  }
}
