package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.waitline.access.store.SetupCodeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
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
  private final SetupCodeStore store = new SetupCodeStore();

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
    return pool.withTransaction(c -> accounts.anyAdmin(c).compose(admin -> admin
        ? Future.succeededFuture(Optional.<String>empty())
        : store.replace(c, hash(code), now).map(v -> Optional.of(code))));
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
            .compose(v -> store.consume(c, codeHash))
            .compose(consumed -> consumed ? accounts.insert(c, account, passwordHash)
                : Future.failedFuture(wrongCode()))));
  }

  private Future<Void> check(SqlClient c, String codeHash) {
    return accounts.anyAdmin(c).compose(admin -> {
      if (admin) {
        return Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
            "Setup is already done: an admin account exists. Sign in, or ask an admin for an account."));
      }
      return store.exists(c, codeHash)
          .compose(exists -> exists ? Future.succeededFuture() : Future.failedFuture(wrongCode()));
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
