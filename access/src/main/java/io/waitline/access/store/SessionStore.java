package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.StaffAccount;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The SQL of staff sessions and API tokens, found by the SHA-256 of their token. */
public final class SessionStore {
  /**
   * A live session as stored: {@code account} is the built-in account as it is now, its roles and disabled flag
   * (without its sign-in locks, which a session does not need); null for an identity-provider session, whose roles
   * are the {@code principal} snapshot.
   */
  public record StoredSession(String tokenHash, UUID accountId, JsonObject principal, String csrfToken,
      Instant idleExpiresAt, Instant expiresAt, StaffAccount account) {}

  public Future<Void> insert(SqlClient c, String tokenHash, UUID accountIdOrNull, JsonObject principal, String csrf,
      String kind, Instant now, Instant idleExpiresAtOrNull, Instant expiresAt, String remoteAddress) {
    return c.preparedQuery("""
            INSERT INTO staff_session (token_hash, account_id, principal, csrf_token, kind, created_at,
              idle_expires_at, expires_at, remote_address)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
        .execute(Tuple.of(tokenHash, accountIdOrNull, principal, csrf, kind, Rows.odt(now),
            Rows.odt(idleExpiresAtOrNull), Rows.odt(expiresAt), remoteAddress))
        .mapEmpty();
  }

  /** Removes sessions past their absolute end, which are of no use to anyone. */
  public Future<Void> deleteEnded(SqlClient c, Instant now) {
    return c.preparedQuery("DELETE FROM staff_session WHERE expires_at < $1").execute(Tuple.of(Rows.odt(now)))
        .mapEmpty();
  }

  /** The session behind {@code tokenHash} unless revoked or expired, with its account in one statement. */
  public Future<Optional<StoredSession>> findLive(SqlClient c, String tokenHash, Instant now) {
    return c.preparedQuery("""
            SELECT s.account_id, s.principal, s.csrf_token, s.idle_expires_at, s.expires_at, """
            + AccountStore.PRINCIPAL_COLUMNS + """

            FROM staff_session s LEFT JOIN staff_account a ON a.id = s.account_id
            WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
              AND (s.idle_expires_at IS NULL OR s.idle_expires_at > $2)""")
        .execute(Tuple.of(tokenHash, Rows.odt(now)))
        .map(rs -> {
          if (rs.size() == 0) return Optional.empty();
          Row r = rs.iterator().next();
          UUID accountId = r.getUUID("account_id");
          return Optional.of(new StoredSession(tokenHash, accountId, r.getJsonObject("principal"),
              r.getString("csrf_token"), Rows.instant(r.getOffsetDateTime("idle_expires_at")),
              Rows.instant(r.getOffsetDateTime("expires_at")),
              r.getUUID("id") == null ? null : AccountStore.account(r, now)));
        });
  }

  public Future<Void> slide(SqlClient c, String tokenHash, Instant idleExpiresAt) {
    return c.preparedQuery("UPDATE staff_session SET idle_expires_at = $2 WHERE token_hash = $1")
        .execute(Tuple.of(tokenHash, Rows.odt(idleExpiresAt))).mapEmpty();
  }

  public Future<Void> revoke(SqlClient c, String tokenHash, Instant now) {
    return c.preparedQuery("UPDATE staff_session SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(tokenHash, Rows.odt(now))).mapEmpty();
  }

  /** Ends every open session of the account. */
  public Future<Void> revokeAll(SqlClient c, UUID accountId, Instant now) {
    return c.preparedQuery("UPDATE staff_session SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(accountId, Rows.odt(now))).mapEmpty();
  }

  /** Ends every open session of the account except the one behind {@code keepTokenHash}. */
  public Future<Void> revokeOthers(SqlClient c, UUID accountId, String keepTokenHash, Instant now) {
    return c.preparedQuery("""
            UPDATE staff_session SET revoked_at = $3
            WHERE account_id = $1 AND token_hash <> $2 AND revoked_at IS NULL""")
        .execute(Tuple.of(accountId, keepTokenHash, Rows.odt(now))).mapEmpty();
  }

  /**
   * Refuses an identity provider's token from now until {@code expiresAt}, its own expiry; tokens already past theirs
   * are pruned in the same statement.
   */
  public Future<Void> revokeProviderToken(SqlClient c, String tokenHash, Instant expiresAt, Instant now) {
    return c.preparedQuery("""
            WITH pruned AS (DELETE FROM revoked_provider_token WHERE expires_at < $3)
            INSERT INTO revoked_provider_token (token_hash, expires_at, revoked_at) VALUES ($1, $2, $3)
            ON CONFLICT (token_hash) DO NOTHING""")
        .execute(Tuple.of(tokenHash, Rows.odt(expiresAt), Rows.odt(now))).mapEmpty();
  }

  public Future<Boolean> providerTokenRevoked(SqlClient c, String tokenHash) {
    return c.preparedQuery("SELECT 1 FROM revoked_provider_token WHERE token_hash = $1")
        .execute(Tuple.of(tokenHash)).map(rs -> rs.size() > 0);
  }
}
