package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * First start without any admin: a one-time setup code (about 100 random bits, shown by the server to whoever runs
 * it) that creates the first admin. Only the code's hash is stored; using it consumes it.
 */
public final class FirstAdminSetup {
  private final Pool pool;
  private final StaffAccounts accounts;
  private final Clock clock;

  public FirstAdminSetup(Pool pool, StaffAccounts accounts, Clock clock) {
    this.pool = pool;
    this.accounts = accounts;
    this.clock = clock;
  }

  /**
   * A fresh code ({@code XXXX-XXXX-XXXX-XXXX-XXXX}, replacing any earlier one) when no admin exists yet; empty once
   * one does.
   */
  public Future<Optional<String>> prepare() {
    String code = Tokens.code(5, 4);
    Instant now = clock.instant();
    return pool.withTransaction(c -> StaffAccounts.anyAdmin(c).compose(admin -> {
      if (admin) return Future.succeededFuture(Optional.<String>empty());
      return c.preparedQuery("""
              INSERT INTO setup_code (id, code_hash, created_at) VALUES (true, $1, $2)
              ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at""")
          .execute(Tuple.of(hash(code), Sql.odt(now)))
          .map(rs -> Optional.of(code));
    }));
  }

  /** True until an active admin for every site exists. */
  public Future<Boolean> needed() {
    return accounts.anyAdmin().map(admin -> !admin);
  }

  /**
   * Creates {@code admin} as an admin for every site (the roles given are ignored) and consumes the code. Refused as a
   * conflict once an admin exists, as forbidden for a wrong code, as invalid for a weak password.
   */
  public Future<StaffAccount> complete(String code, NewAccount admin) {
    NewAccount account;
    try {
      account = StaffAccounts.validated(new NewAccount(admin.username(), admin.displayName(), admin.password(),
          List.of(new RoleGrant(Role.ADMIN, null))));
    } catch (AccessException e) {
      return Future.failedFuture(e);
    }
    String codeHash = hash(code);
    // cheap checks first, so a wrong code costs no password hashing
    return check(pool, codeHash)
        .compose(v -> accounts.hash(account.password()))
        .compose(passwordHash -> pool.withTransaction(c -> check(c, codeHash)
            .compose(v -> c.preparedQuery("DELETE FROM setup_code WHERE code_hash = $1").execute(Tuple.of(codeHash)))
            .compose(rs -> rs.rowCount() == 0 ? Future.failedFuture(wrongCode())
                : StaffAccounts.insert(c, account, passwordHash, clock.instant()))));
  }

  private static Future<Void> check(io.vertx.sqlclient.SqlClient c, String codeHash) {
    return StaffAccounts.anyAdmin(c).compose(admin -> {
      if (admin) {
        return Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
            "Setup is already done: an admin account exists. Sign in, or ask an admin for an account."));
      }
      return c.preparedQuery("SELECT 1 FROM setup_code WHERE code_hash = $1").execute(Tuple.of(codeHash))
          .compose(rs -> rs.size() == 0 ? Future.failedFuture(wrongCode()) : Future.succeededFuture());
    });
  }

  private static String hash(String code) {
    String canonical = Tokens.canonicalCode(code);
    // a code with characters outside the alphabet can match nothing; hash it anyway to keep one path
    return Tokens.sha256(canonical == null ? "invalid:" + code : canonical);
  }

  private static AccessException wrongCode() {
    return new AccessException(Refusal.FORBIDDEN, "forbidden",
        "The setup code is not right. Use the code the server printed at its first start (also in its data "
            + "directory, file setup-code).");
  }
}
