package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.waitline.access.store.AccountStore;
import io.waitline.access.store.AccountStore.Credentials;
import io.waitline.access.store.PasswordFailureStore;
import io.waitline.access.store.SessionStore;
import io.waitline.access.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Built-in staff accounts: creation, roles per site, sign-in, and passwords. Wrong passwords are counted per
 * (username, client address), for usernames that exist and those that do not alike: five in a row from one address
 * refuse that username from that address for 15 minutes, while other addresses can still sign in. Password hashing
 * runs on a worker thread; every change is one transaction.
 */
public final class StaffAccounts {
  /** Wrong passwords in a row, from one address for one username, that refuse that pair for a while. */
  static final int MAX_FAILURES = 5;
  /** How long a refusal lasts; failures further apart than this do not add up. */
  static final Duration LOCK_TIME = Duration.ofMinutes(15);
  static final int MIN_PASSWORD = 12;
  static final int MAX_PASSWORD = 200;
  static final String WRONG_CREDENTIALS = "The username or password is not right.";
  /** Where an attempt is said to come from when the caller does not know. */
  static final String UNKNOWN_ADDRESS = "unknown";
  private static final Pattern USERNAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,59}$");

  private final Vertx vertx;
  private final Pool pool;
  private final PasswordHasher hasher;
  private final Sites sites;
  private final Clock clock;
  private final AccountStore store = new AccountStore();
  private final PasswordFailureStore failures = new PasswordFailureStore();
  private final SessionStore sessions = new SessionStore();

  /** @param sites says which sites exist, so roles are granted only at real ones */
  public StaffAccounts(Vertx vertx, Pool pool, PasswordHasher hasher, Sites sites, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.hasher = hasher;
    this.sites = sites;
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
    return checkSites(a.roles()).compose(v -> hash(a.password()))
        .compose(hash -> pool.withTransaction(c -> insert(c, a, hash)));
  }

  public Future<List<StaffAccount>> list() {
    return store.list(pool, clock.instant());
  }

  public Future<StaffAccount> get(UUID id) {
    return store.load(pool, id, clock.instant()).map(found -> found.orElseThrow(() -> notFound(id)));
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
    return checkSites(roles == null ? List.of() : roles).compose(checked -> pool.withTransaction(c ->
        store.lockAdmins(c)
            .compose(v -> store.isActiveEverySiteAdmin(c, id))
            .compose(wasAdmin -> store.update(c, id, name, disabledOrNull)
                .compose(found -> !found ? Future.failedFuture(notFound(id))
                    : roles == null ? Future.succeededFuture() : store.replaceRoles(c, id, roles))
                .compose(v -> store.activeEverySiteAdmins(c))
                .compose(admins -> wasAdmin && admins == 0
                    ? Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
                        "This is the last active admin for every site; make another account admin before you "
                            + (Boolean.TRUE.equals(disabledOrNull) ? "disable" : "demote") + " this one."))
                    : Future.succeededFuture()))
            .compose(v -> Boolean.TRUE.equals(disabledOrNull) ? sessions.revokeAll(c, id, now)
                : Future.succeededFuture())
            .compose(v -> store.load(c, id, now))
            .map(Optional::get)))
        .recover(StaffAccounts::unknownSite);
  }

  /** Lifts every sign-in lock of the account, from every address, at once and clears the counts of failures. */
  public Future<StaffAccount> unlock(UUID id) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.load(c, id, now)
        .compose(found -> found.isEmpty() ? Future.failedFuture(notFound(id))
            : failures.clearAll(c, canonical(found.get().username())))
        .compose(v -> store.load(c, id, now))
        .map(Optional::get));
  }

  /** An admin sets a new password: it also lifts every lock and ends every session of the account. */
  public Future<StaffAccount> resetPassword(UUID id, String newPassword) {
    return get(id).compose(account -> {
      try {
        password(newPassword, account.username());
      } catch (AccessException e) {
        return Future.failedFuture(e);
      }
      return hash(newPassword).compose(hash -> {
        Instant now = clock.instant();
        return pool.withTransaction(c -> store.setPassword(c, id, hash)
            .compose(found -> found ? failures.clearAll(c, canonical(account.username()))
                : Future.failedFuture(notFound(id)))
            .compose(v -> sessions.revokeAll(c, id, now))
            .compose(v -> store.load(c, id, now))
            .map(found -> found.orElseThrow(() -> notFound(id))));
      });
    });
  }

  /**
   * The signed-in user changes their own password, from {@code remoteAddress}. A wrong {@code current} password
   * (refused as forbidden) counts as a failed sign-in of this account from that address, so a stolen session can
   * guess no faster than sign-in allows: after five the change is refused (locked) like sign-in. Sessions are left
   * alone: the caller ends the others with {@link Sessions#closeOthers}.
   */
  public Future<StaffAccount> changePassword(UUID id, String current, String next, String remoteAddress) {
    String from = address(remoteAddress);
    return store.credentials(pool, id).compose(found -> {
      if (found.isEmpty()) return Future.failedFuture(notFound(id));
      Credentials account = found.get();
      try {
        password(next, account.username());
      } catch (AccessException e) {
        return Future.failedFuture(e);
      }
      String name = canonical(account.username());
      Instant now = clock.instant();
      return failures.lockedUntil(pool, name, from, now)
          .compose(until -> until != null ? Future.failedFuture(locked(until, now))
              : verify(current, account.passwordHash()))
          .compose(ok -> ok ? hash(next) : refusedAfterFailure(name, from,
              new AccessException(Refusal.FORBIDDEN, "forbidden", "Your current password is not right.")))
          .compose(hash -> pool.withTransaction(c -> store.setPassword(c, id, hash)
              .compose(v -> failures.clear(c, name, from))
              .compose(v -> store.load(c, id, clock.instant()))
              .map(loaded -> loaded.orElseThrow(() -> notFound(id)))));
    });
  }

  /**
   * Checks a username and password from {@code remoteAddress}. Refused (unauthenticated) with the same sentence for
   * an unknown user, a wrong password or a disabled account (an unknown user costs one hash verify too, so timing
   * does not tell). The fifth failure in a row for this username from this address, and every attempt for the next
   * 15 minutes, is refused (locked) with one sentence whether the username exists or not; a success from this
   * address resets its count.
   */
  public Future<StaffAccount> authenticate(String username, String password, String remoteAddress) {
    String name = canonical(username);
    String from = address(remoteAddress);
    Instant now = clock.instant();
    return failures.lockedUntil(pool, name, from, now).compose(until -> {
      if (until != null) return Future.failedFuture(locked(until, now));
      return store.credentialsByName(pool, name).compose(found -> verify(password,
              found.map(Credentials::passwordHash).orElse(null))
          .compose(ok -> ok && found.isPresent() && !found.get().disabled() ? signedIn(found.get().id(), name, from)
              : refusedAfterFailure(name, from, wrongCredentials())));
    });
  }

  /** Whether an active (not disabled) admin for every site exists. */
  public Future<Boolean> anyAdmin() {
    return anyAdmin(pool);
  }

  Future<Boolean> anyAdmin(SqlClient c) {
    return store.activeEverySiteAdmins(c).map(n -> n > 0);
  }

  /**
   * Counts a failed attempt (and tidies stale counts), then refuses with {@code refusal}, or as locked when this
   * failure was the one that locked the pair.
   */
  private <T> Future<T> refusedAfterFailure(String name, String from, AccessException refusal) {
    Instant now = clock.instant();
    return failures.recordFailure(pool, name, from, now, now.minus(LOCK_TIME), MAX_FAILURES, now.plus(LOCK_TIME))
        .compose(until -> failures.prune(pool, now.minus(LOCK_TIME), now)
            .compose(v -> Future.failedFuture(until != null ? locked(until, now) : refusal)));
  }

  private Future<StaffAccount> signedIn(UUID id, String name, String from) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> failures.lockedUntil(c, name, from, now).compose(until -> {
      // locked by a concurrent failure from this address since the check
      if (until != null) return Future.failedFuture(locked(until, now));
      return failures.clear(c, name, from)
          .compose(v -> store.recordSignIn(c, id, now))
          // disabled by a concurrent request since the check
          .compose(ok -> ok ? store.load(c, id, now).map(Optional::get) : Future.failedFuture(wrongCredentials()));
    }));
  }

  /** Inserts a validated account and its roles inside the caller's transaction. */
  Future<StaffAccount> insert(SqlClient c, NewAccount a, String passwordHash) {
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    return store.insert(c, id, a.username(), a.displayName(), passwordHash, now)
        .compose(v -> store.replaceRoles(c, id, a.roles()))
        .compose(v -> store.load(c, id, now))
        .map(Optional::get)
        .recover(err -> Sql.isState(err, Sql.UNIQUE_VIOLATION)
            ? Future.failedFuture(new AccessException(Refusal.CONFLICT, "conflict",
                "The username " + a.username() + " is taken; choose another."))
            : Future.failedFuture(err))
        .recover(StaffAccounts::unknownSite);
  }

  /** Refused (not found) naming the first site in {@code roles} that does not exist. */
  private Future<Void> checkSites(List<RoleGrant> roles) {
    Set<String> named = new LinkedHashSet<>();
    for (RoleGrant g : roles) if (g.siteId() != null) named.add(g.siteId());
    if (named.isEmpty()) return Future.succeededFuture();
    return sites.unknown(named).compose(unknown -> {
      for (String s : named) {
        if (unknown.contains(s)) return Future.failedFuture(new AccessException(Refusal.NOT_FOUND, "not-found",
            "There is no site " + s + "."));
      }
      return Future.succeededFuture();
    });
  }

  private static <T> Future<T> unknownSite(Throwable err) {
    // a site removed between the check and the insert: the foreign key still refuses it
    if (Sql.isState(err, Sql.FOREIGN_KEY_VIOLATION)) {
      return Future.failedFuture(new AccessException(Refusal.NOT_FOUND, "not-found",
          "A site named in the roles does not exist."));
    }
    return Future.failedFuture(err);
  }

  /**
   * A username as it is compared and counted: trimmed, lower case, and with any NUL (which PostgreSQL text cannot
   * hold, and which no username has) replaced, so such a name is simply unknown rather than a database error.
   */
  private static String canonical(String username) {
    return username == null ? "" : username.trim().toLowerCase(Locale.ROOT).replace('\u0000', '\uFFFD');
  }

  private static String address(String remoteAddress) {
    return remoteAddress == null || remoteAddress.isBlank() ? UNKNOWN_ADDRESS : remoteAddress;
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

  /**
   * Says how long to wait in whole minutes (a clerk reads it, so no timestamps and no time zones). The same sentence
   * whether the username exists or not.
   */
  private static AccessException locked(Instant until, Instant now) {
    long minutes = Math.max(1, (Duration.between(now, until).getSeconds() + 59) / 60);
    return new AccessException(Refusal.LOCKED, "locked", "Too many failed sign-ins for this username from here: "
        + "sign-in is locked for " + minutes + (minutes == 1 ? " minute" : " minutes")
        + ". Try again then, or ask an admin to unlock the account.");
  }

  private static AccessException notFound(UUID id) {
    return new AccessException(Refusal.NOT_FOUND, "not-found", "There is no staff account " + id + ".");
  }
}
