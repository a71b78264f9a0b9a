package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Built-in staff accounts: creation, roles per site, sign-in with lockout after repeated failures, and passwords.
 * Password hashing runs on a worker thread; every change is one transaction.
 */
public final class StaffAccounts {
  /** Wrong passwords in a row that lock an account. */
  static final int MAX_FAILURES = 5;
  static final Duration LOCK_TIME = Duration.ofMinutes(15);
  static final int MIN_PASSWORD = 12;
  static final int MAX_PASSWORD = 200;
  static final String WRONG_CREDENTIALS = "The username or password is not right.";
  private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,59}$");
  // one lock for every change that could remove the last admin, so two such changes cannot both pass the check
  private static final long ADMINS_LOCK = 0x5741_4954_4144_4d4eL;
  /** An account {@code a} with its roles, as {@link #account(Row, Instant)} reads it. */
  static final String ACCOUNT_COLUMNS = """
      a.id, a.username, a.display_name, a.disabled, a.locked_until, a.last_sign_in_at, a.created_at,
        (SELECT coalesce(json_agg(json_build_object('role', r.role, 'siteId', r.site_id)
                  ORDER BY r.site_id NULLS FIRST, r.role), '[]'::json)
           FROM staff_role r WHERE r.account_id = a.id) AS roles""";
  private static final String SELECT = "SELECT " + ACCOUNT_COLUMNS + " FROM staff_account a";
  private static final String ACTIVE_EVERY_SITE_ADMINS = """
      SELECT count(*) FROM staff_account a JOIN staff_role r ON r.account_id = a.id
      WHERE r.role = 'admin' AND r.site_id IS NULL AND NOT a.disabled""";

  private final Vertx vertx;
  private final Pool pool;
  private final PasswordHasher hasher;
  private final Clock clock;

  public StaffAccounts(Vertx vertx, Pool pool, PasswordHasher hasher, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.hasher = hasher;
    this.clock = clock;
    // compute the dummy hash now so the first unknown-username sign-in costs no more than any other
    vertx.executeBlocking(hasher::dummyHash, false);
  }

  /** Creates an account; refused for a short password or bad input, an unknown site, or a name that is taken. */
  public Future<StaffAccount> create(NewAccount account) {
    NewAccount a;
    try {
      a = validated(account);
    } catch (AccessException e) {
      return Future.failedFuture(e);
    }
    return hash(a.password()).compose(hash -> pool.withTransaction(c -> insert(c, a, hash)));
  }

  public Future<List<StaffAccount>> list() {
    Instant now = clock.instant();
    return pool.query(SELECT + " ORDER BY a.username").execute().map(rs -> {
      List<StaffAccount> out = new ArrayList<>();
      for (Row r : rs) out.add(account(r, now));
      return out;
    });
  }

  public Future<StaffAccount> get(UUID id) {
    return load(pool, id, clock.instant()).map(found -> found.orElseThrow(() -> notFound(id)));
  }

  /**
   * Changes the name, the roles (replacing them all) or the disabled flag; null leaves a field as it is. Disabling
   * ends the account's sessions. Refuses (conflict) a change that would leave no active admin for every site.
   */
  public Future<StaffAccount> update(UUID id, String displayNameOrNull, List<RoleGrant> rolesOrNull,
      Boolean disabledOrNull) {
    String name;
    List<RoleGrant> roles;
    try {
      name = displayNameOrNull == null ? null : displayName(displayNameOrNull);
      roles = rolesOrNull == null ? null : roles(rolesOrNull);
    } catch (AccessException e) {
      return Future.failedFuture(e);
    }
    Instant now = clock.instant();
    return pool.withTransaction(c -> c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(ADMINS_LOCK))
        .compose(v -> isActiveEverySiteAdmin(c, id))
        .compose(wasAdmin -> c.preparedQuery("""
                UPDATE staff_account SET display_name = coalesce($2, display_name),
                  disabled = coalesce($3, disabled) WHERE id = $1""")
            .execute(Tuple.of(id, name, disabledOrNull))
            .compose(rs -> rs.rowCount() == 0 ? Future.failedFuture(notFound(id)) : replaceRoles(c, id, roles))
            .compose(v -> c.query(ACTIVE_EVERY_SITE_ADMINS).execute())
            .compose(rs -> wasAdmin && rs.iterator().next().getLong(0) == 0
                ? Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
                    "This is the last active admin for every site; make another account admin before you "
                        + (Boolean.TRUE.equals(disabledOrNull) ? "disable" : "demote") + " this one."))
                : Future.succeededFuture()))
        .compose(v -> Boolean.TRUE.equals(disabledOrNull) ? endSessions(c, id, now) : Future.succeededFuture())
        .compose(v -> load(c, id, now))
        .map(Optional::get))
        .recover(StaffAccounts::unknownSite);
  }

  /** Lifts a lockout at once and clears the count of failed sign-ins. */
  public Future<StaffAccount> unlock(UUID id) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> c.preparedQuery(
            "UPDATE staff_account SET failed_attempts = 0, locked_until = NULL WHERE id = $1").execute(Tuple.of(id))
        .compose(rs -> rs.rowCount() == 0 ? Future.failedFuture(notFound(id)) : load(c, id, now))
        .map(Optional::get));
  }

  /** An admin sets a new password: it also lifts any lockout and ends every session of the account. */
  public Future<StaffAccount> resetPassword(UUID id, String newPassword) {
    return get(id).compose(account -> {
      try {
        password(newPassword, account.username());
      } catch (AccessException e) {
        return Future.failedFuture(e);
      }
      return hash(newPassword).compose(hash -> {
        Instant now = clock.instant();
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE staff_account SET password_hash = $2, failed_attempts = 0, locked_until = NULL
                WHERE id = $1""").execute(Tuple.of(id, hash))
            .compose(rs -> endSessions(c, id, now))
            .compose(v -> load(c, id, now))
            .map(found -> found.orElseThrow(() -> notFound(id))));
      });
    });
  }

  /**
   * The signed-in user changes their own password (refused as forbidden when {@code current} is wrong). Sessions are
   * left alone: the caller ends the others with {@link Sessions#closeOthers}.
   */
  public Future<StaffAccount> changePassword(UUID id, String current, String next) {
    return pool.preparedQuery("SELECT username, password_hash FROM staff_account WHERE id = $1").execute(Tuple.of(id))
        .compose(rs -> {
          if (rs.size() == 0) return Future.failedFuture(notFound(id));
          Row r = rs.iterator().next();
          try {
            password(next, r.getString("username"));
          } catch (AccessException e) {
            return Future.failedFuture(e);
          }
          return verify(current, r.getString("password_hash"));
        })
        .compose(ok -> ok ? hash(next) : Future.failedFuture(
            new AccessException(Refusal.FORBIDDEN, "forbidden", "Your current password is not right.")))
        .compose(hash -> pool.withTransaction(c -> c.preparedQuery(
                "UPDATE staff_account SET password_hash = $2 WHERE id = $1").execute(Tuple.of(id, hash))
            .compose(v -> load(c, id, clock.instant()))
            .map(found -> found.orElseThrow(() -> notFound(id)))));
  }

  /**
   * Checks a username and password. Refused (unauthenticated) with the same sentence for an unknown user, a wrong
   * password or a disabled account (an unknown user costs one hash verify too, so timing does not tell); refused
   * (locked) while locked. Five wrong
   * passwords in a row lock the account for 15 minutes; a success resets the count.
   */
  public Future<StaffAccount> authenticate(String username, String password) {
    String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    return pool.preparedQuery(
            "SELECT id, password_hash, disabled, locked_until FROM staff_account WHERE lower(username) = $1")
        .execute(Tuple.of(name))
        .compose(rs -> {
          if (rs.size() == 0) {
            return verify(password, null).compose(ignored -> Future.failedFuture(wrongCredentials()));
          }
          Row r = rs.iterator().next();
          UUID id = r.getUUID("id");
          Instant lockedUntil = Sql.instant(r.getOffsetDateTime("locked_until"));
          if (lockedUntil != null && lockedUntil.isAfter(clock.instant())) {
            return Future.failedFuture(locked(lockedUntil, clock.instant()));
          }
          boolean disabled = r.getBoolean("disabled");
          return verify(password, r.getString("password_hash")).compose(ok -> {
            if (!ok) return recordFailure(id);
            if (disabled) return Future.failedFuture(wrongCredentials());
            return recordSuccess(id);
          });
        });
  }

  /** Whether an active (not disabled) admin for every site exists. */
  public Future<Boolean> anyAdmin() {
    return anyAdmin(pool);
  }

  static Future<Boolean> anyAdmin(SqlClient c) {
    return c.query(ACTIVE_EVERY_SITE_ADMINS).execute().map(rs -> rs.iterator().next().getLong(0) > 0);
  }

  private Future<StaffAccount> recordFailure(UUID id) {
    Instant now = clock.instant();
    // one atomic statement: concurrent wrong attempts each count, and the one that reaches the limit locks
    return pool.preparedQuery("""
            UPDATE staff_account SET
              failed_attempts = CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END,
              locked_until = CASE
                WHEN locked_until > $2 THEN locked_until
                WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failed_attempts + 1 END) >= $3 THEN $4::timestamptz
                ELSE NULL END
            WHERE id = $1 RETURNING locked_until""")
        .execute(Tuple.of(id, Sql.odt(now), MAX_FAILURES, Sql.odt(now.plus(LOCK_TIME))))
        .compose(rs -> {
          Instant lockedUntil = rs.size() == 0 ? null : Sql.instant(rs.iterator().next().getOffsetDateTime(0));
          return Future.failedFuture(lockedUntil != null && lockedUntil.isAfter(now) ? locked(lockedUntil, now)
              : wrongCredentials());
        });
  }

  private Future<StaffAccount> recordSuccess(UUID id) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> c.preparedQuery("""
            UPDATE staff_account SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = $2
            WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) AND NOT disabled""")
        .execute(Tuple.of(id, Sql.odt(now)))
        .compose(rs -> load(c, id, now).compose(found -> {
          StaffAccount a = found.orElseThrow(StaffAccounts::wrongCredentials);
          if (rs.rowCount() == 1) return Future.succeededFuture(a);
          // locked or disabled by a concurrent request between the check and now
          return Future.failedFuture(a.lockedUntil() != null ? locked(a.lockedUntil(), now) : wrongCredentials());
        })));
  }

  /** Inserts a validated account and its roles inside the caller's transaction. */
  static Future<StaffAccount> insert(SqlClient c, NewAccount a, String passwordHash, Instant now) {
    UUID id = UUID.randomUUID();
    return c.preparedQuery("""
            INSERT INTO staff_account (id, username, display_name, password_hash, created_at)
            VALUES ($1, $2, $3, $4, $5)""")
        .execute(Tuple.of(id, a.username(), a.displayName(), passwordHash, Sql.odt(now)))
        .compose(rs -> replaceRoles(c, id, a.roles()))
        .compose(v -> load(c, id, now))
        .map(Optional::get)
        .recover(err -> Sql.isState(err, Sql.UNIQUE_VIOLATION)
            ? Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
                "The username " + a.username() + " is taken; choose another."))
            : Future.failedFuture(err))
        .recover(StaffAccounts::unknownSite);
  }

  private Future<StaffAccount> insert(SqlClient c, NewAccount a, String passwordHash) {
    return insert(c, a, passwordHash, clock.instant());
  }

  static Future<Optional<StaffAccount>> load(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery(SELECT + " WHERE a.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(account(rs.iterator().next(), now)));
  }

  private static Future<Void> replaceRoles(SqlClient c, UUID id, List<RoleGrant> roles) {
    if (roles == null) return Future.succeededFuture();
    List<Tuple> rows = new ArrayList<>();
    for (RoleGrant g : roles) rows.add(Tuple.of(id, g.siteId(), g.role().wire()));
    return c.preparedQuery("DELETE FROM staff_role WHERE account_id = $1").execute(Tuple.of(id))
        .compose(v -> checkSites(c, roles))
        .compose(v -> c.preparedQuery("INSERT INTO staff_role (account_id, site_id, role) VALUES ($1, $2, $3)")
            .executeBatch(rows))
        .mapEmpty();
  }

  /** Refused (not found) naming the first site in {@code roles} that does not exist. */
  private static Future<Void> checkSites(SqlClient c, List<RoleGrant> roles) {
    String[] sites = roles.stream().map(RoleGrant::siteId).filter(s -> s != null).distinct().toArray(String[]::new);
    if (sites.length == 0) return Future.succeededFuture();
    return c.preparedQuery("SELECT id FROM site WHERE id = ANY($1)").execute(Tuple.of(sites)).compose(rs -> {
      Set<String> known = new java.util.HashSet<>();
      for (Row r : rs) known.add(r.getString(0));
      for (String s : sites) {
        if (!known.contains(s)) return Future.failedFuture(new AccessException(Refusal.NOT_FOUND, "not-found",
            "There is no site " + s + "."));
      }
      return Future.succeededFuture();
    });
  }

  private static <T> Future<T> unknownSite(Throwable err) {
    // a site deleted between the check and the insert
    if (Sql.isState(err, "23503")) {
      return Future.failedFuture(new AccessException(Refusal.NOT_FOUND, "not-found",
          "A site named in the roles does not exist."));
    }
    return Future.failedFuture(err);
  }

  private static Future<Boolean> isActiveEverySiteAdmin(SqlClient c, UUID id) {
    return c.preparedQuery(ACTIVE_EVERY_SITE_ADMINS + " AND a.id = $1").execute(Tuple.of(id))
        .map(rs -> rs.iterator().next().getLong(0) > 0);
  }

  static Future<Void> endSessions(SqlClient c, UUID accountId, Instant now) {
    return c.preparedQuery(
            "UPDATE staff_session SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(accountId, Sql.odt(now))).mapEmpty();
  }

  static StaffAccount account(Row r, Instant now) {
    List<RoleGrant> roles = new ArrayList<>();
    for (Object o : r.getJsonArray("roles")) {
      JsonObject g = (JsonObject) o;
      roles.add(new RoleGrant(Role.fromWire(g.getString("role")).orElseThrow(), g.getString("siteId")));
    }
    Instant lockedUntil = Sql.instant(r.getOffsetDateTime("locked_until"));
    return new StaffAccount(r.getUUID("id"), r.getString("username"), r.getString("display_name"), roles,
        r.getBoolean("disabled"), lockedUntil != null && lockedUntil.isAfter(now) ? lockedUntil : null,
        Sql.instant(r.getOffsetDateTime("last_sign_in_at")), Sql.instant(r.getOffsetDateTime("created_at")));
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hasher.hash(password), false);
  }

  /** Verifies on a worker; a null hash verifies against the dummy so the cost is the same. */
  private Future<Boolean> verify(String password, String phc) {
    return vertx.executeBlocking(() -> hasher.verify(password == null ? "" : password,
        phc == null ? hasher.dummyHash() : phc), false);
  }

  /** The account with its username in canonical form, or refused (invalid) saying what is wrong. */
  static NewAccount validated(NewAccount a) {
    if (a == null) throw bad("Give a username, a display name, a password and roles.");
    String username = a.username() == null ? "" : a.username().trim().toLowerCase(Locale.ROOT);
    if (!USERNAME.matcher(username).matches()) {
      throw bad("A username is 2 to 60 lower-case letters, digits, dots, dashes or underscores, starting with a "
          + "letter or digit.");
    }
    String name = displayName(a.displayName());
    password(a.password(), username);
    return new NewAccount(username, name, a.password(), roles(a.roles()));
  }

  private static String displayName(String displayName) {
    String name = displayName == null ? "" : displayName.trim();
    if (name.isEmpty() || name.length() > 100) throw bad("A display name is 1 to 100 characters.");
    return name;
  }

  private static void password(String password, String username) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD) {
      throw bad("A password needs at least " + MIN_PASSWORD + " characters.");
    }
    if (password.length() > MAX_PASSWORD) throw bad("A password may have at most " + MAX_PASSWORD + " characters.");
    if (password.trim().equalsIgnoreCase(username)) throw bad("The password must not be the username.");
  }

  private static List<RoleGrant> roles(List<RoleGrant> roles) {
    if (roles == null || roles.isEmpty()) throw bad("Give the account at least one role.");
    Set<RoleGrant> unique = new LinkedHashSet<>();
    for (RoleGrant g : roles) {
      if (g == null || g.role() == null) throw bad("Every role grant needs a role.");
      if (g.siteId() != null && g.siteId().isBlank()) throw bad("A role's site id must not be blank.");
      unique.add(g);
    }
    return List.copyOf(unique);
  }

  private static AccessException bad(String sentence) {
    return new AccessException(Refusal.INVALID, "bad-request", sentence);
  }

  static AccessException wrongCredentials() {
    return new AccessException(Refusal.UNAUTHENTICATED, "unauthenticated", WRONG_CREDENTIALS);
  }

  /** Says how long to wait in whole minutes (a clerk reads it, so no timestamps and no time zones). */
  private static AccessException locked(Instant until, Instant now) {
    long minutes = Math.max(1, (Duration.between(now, until).getSeconds() + 59) / 60);
    return new AccessException(Refusal.LOCKED, "locked", "This account is locked after " + MAX_FAILURES
        + " failed sign-ins in a row. Try again in " + minutes + (minutes == 1 ? " minute" : " minutes")
        + ", or ask an admin to unlock it.");
  }

  private static AccessException notFound(UUID id) {
    return new AccessException(Refusal.NOT_FOUND, "not-found", "There is no staff account " + id + ".");
  }
}
