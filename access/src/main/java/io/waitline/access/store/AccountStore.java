package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.Role;
import io.waitline.access.RoleGrant;
import io.waitline.access.StaffAccount;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of staff accounts and their roles. Every method runs on the client it is given. */
public final class AccountStore {
  /**
   * An account {@code a} with its roles, as {@link #account(Row, Instant)} reads it without locks: what a session needs
   * on every request.
   */
  static final String PRINCIPAL_COLUMNS = """
      a.id, a.username, a.display_name, a.disabled, a.last_sign_in_at, a.created_at,
        (SELECT coalesce(json_agg(json_build_object('role', r.role, 'siteId', r.site_id)
                  ORDER BY r.site_id NULLS FIRST, r.role), '[]'::json)
           FROM staff_role r WHERE r.account_id = a.id) AS roles""";
  /** An account {@code a} with its roles and its sign-in locks, as admins see it. */
  private static final String ACCOUNT_COLUMNS = PRINCIPAL_COLUMNS + """
      ,
        (SELECT coalesce(json_agg(json_build_object('address', f.remote_address,
                    'untilMillis', (extract(epoch FROM f.locked_until) * 1000)::bigint)
                  ORDER BY f.remote_address), '[]'::json)
           FROM password_failure f WHERE f.username = lower(a.username) AND f.locked_until IS NOT NULL) AS locks""";
  private static final String SELECT = "SELECT " + ACCOUNT_COLUMNS + " FROM staff_account a";
  private static final String ACTIVE_EVERY_SITE_ADMINS = """
      SELECT count(*) FROM staff_account a JOIN staff_role r ON r.account_id = a.id
      WHERE r.role = 'admin' AND r.site_id IS NULL AND NOT a.disabled""";
  // one lock for every change that could remove the last admin, so two such changes cannot both pass the check
  private static final long ADMINS_LOCK = 0x5741_4954_4144_4d4eL;

  /** What sign-in checks a password against. */
  public record Credentials(UUID id, String username, String passwordHash, boolean disabled) {}

  public Future<Void> insert(SqlClient c, UUID id, String username, String displayName, String passwordHash,
      Instant now) {
    return c.preparedQuery("""
            INSERT INTO staff_account (id, username, display_name, password_hash, created_at)
            VALUES ($1, $2, $3, $4, $5)""")
        .execute(Tuple.of(id, username, displayName, passwordHash, Rows.odt(now))).mapEmpty();
  }

  /** Changes the name and the disabled flag (null keeps each); false when there is no such account. */
  public Future<Boolean> update(SqlClient c, UUID id, String displayNameOrNull, Boolean disabledOrNull) {
    return c.preparedQuery("""
            UPDATE staff_account SET display_name = coalesce($2, display_name),
              disabled = coalesce($3, disabled) WHERE id = $1""")
        .execute(Tuple.of(id, displayNameOrNull, disabledOrNull)).map(rs -> rs.rowCount() == 1);
  }

  /** Replaces every role of the account. */
  public Future<Void> replaceRoles(SqlClient c, UUID id, List<RoleGrant> roles) {
    List<Tuple> rows = new ArrayList<>();
    for (RoleGrant g : roles) rows.add(Tuple.of(id, g.siteId(), g.role().wire()));
    return c.preparedQuery("DELETE FROM staff_role WHERE account_id = $1").execute(Tuple.of(id))
        .compose(v -> rows.isEmpty() ? Future.succeededFuture()
            : c.preparedQuery("INSERT INTO staff_role (account_id, site_id, role) VALUES ($1, $2, $3)")
                .executeBatch(rows))
        .mapEmpty();
  }

  public Future<Optional<StaffAccount>> load(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery(SELECT + " WHERE a.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(account(rs.iterator().next(), now)));
  }

  public Future<List<StaffAccount>> list(SqlClient c, Instant now) {
    return c.query(SELECT + " ORDER BY a.username").execute().map(rs -> {
      List<StaffAccount> out = new ArrayList<>();
      for (Row r : rs) out.add(account(r, now));
      return out;
    });
  }

  /** The credentials of the account named {@code lowerUsername} (compared in lower case). */
  public Future<Optional<Credentials>> credentialsByName(SqlClient c, String lowerUsername) {
    return c.preparedQuery(
            "SELECT id, username, password_hash, disabled FROM staff_account WHERE lower(username) = $1")
        .execute(Tuple.of(lowerUsername)).map(AccountStore::credentials);
  }

  public Future<Optional<Credentials>> credentials(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT id, username, password_hash, disabled FROM staff_account WHERE id = $1")
        .execute(Tuple.of(id)).map(AccountStore::credentials);
  }

  /** False when there is no such account. */
  public Future<Boolean> setPassword(SqlClient c, UUID id, String passwordHash) {
    return c.preparedQuery("UPDATE staff_account SET password_hash = $2 WHERE id = $1")
        .execute(Tuple.of(id, passwordHash)).map(rs -> rs.rowCount() == 1);
  }

  /** Notes a sign-in; false when the account is disabled (or gone) by now. */
  public Future<Boolean> recordSignIn(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery("UPDATE staff_account SET last_sign_in_at = $2 WHERE id = $1 AND NOT disabled")
        .execute(Tuple.of(id, Rows.odt(now))).map(rs -> rs.rowCount() == 1);
  }

  /** Holds, until the transaction ends, the lock every change that could remove the last admin takes. */
  public Future<Void> lockAdmins(SqlClient c) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ADMINS_LOCK)).mapEmpty();
  }

  /** How many active (not disabled) admins for every site there are. */
  public Future<Long> activeEverySiteAdmins(SqlClient c) {
    return c.query(ACTIVE_EVERY_SITE_ADMINS).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  public Future<Boolean> isActiveEverySiteAdmin(SqlClient c, UUID id) {
    return c.preparedQuery(ACTIVE_EVERY_SITE_ADMINS + " AND a.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.iterator().next().getLong(0) > 0);
  }

  /**
   * Reads {@link #ACCOUNT_COLUMNS}, or {@link #PRINCIPAL_COLUMNS} as an account without locks; locks that ran out by
   * {@code now} are left out.
   */
  static StaffAccount account(Row r, Instant now) {
    List<RoleGrant> roles = new ArrayList<>();
    for (Object o : r.getJsonArray("roles")) {
      JsonObject g = (JsonObject) o;
      roles.add(new RoleGrant(Role.fromWire(g.getString("role")).orElseThrow(), g.getString("siteId")));
    }
    List<StaffAccount.Lock> locks = new ArrayList<>();
    for (Object o : r.getColumnIndex("locks") < 0 ? List.of() : r.getJsonArray("locks")) {
      JsonObject l = (JsonObject) o;
      Instant until = Instant.ofEpochMilli(l.getLong("untilMillis"));
      if (until.isAfter(now)) locks.add(new StaffAccount.Lock(l.getString("address"), until));
    }
    locks.sort(Comparator.comparing(StaffAccount.Lock::until).reversed());
    return new StaffAccount(r.getUUID("id"), r.getString("username"), r.getString("display_name"), roles,
        r.getBoolean("disabled"), locks, Rows.instant(r.getOffsetDateTime("last_sign_in_at")),
        Rows.instant(r.getOffsetDateTime("created_at")));
  }

  private static Optional<Credentials> credentials(io.vertx.sqlclient.RowSet<Row> rs) {
    if (rs.size() == 0) return Optional.empty();
    Row r = rs.iterator().next();
    return Optional.of(new Credentials(r.getUUID("id"), r.getString("username"), r.getString("password_hash"),
        r.getBoolean("disabled")));
  }
}
