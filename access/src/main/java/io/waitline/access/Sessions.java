package io.waitline.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.waitline.access.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Staff sessions: browser cookies (end after 30 idle minutes, sliding, and at most 12 hours after sign-in) and API
 * tokens (12 hours). The database keeps only the SHA-256 of each token. Sessions of built-in accounts re-read the
 * account on every use, so a role change or disabling applies at once; identity-provider (OIDC) sessions carry the
 * roles they were opened with.
 */
public final class Sessions {
  public static final String TOKEN_PREFIX = "wls_";
  public static final String COOKIE = "cookie";
  public static final String TOKEN = "token";
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration ABSOLUTE = Duration.ofHours(12);
  // sliding the idle expiry is a write; skip it when the last slide was under a minute ago
  private static final Duration SLIDE_EVERY = Duration.ofMinutes(1);

  private final Pool pool;
  private final Clock clock;
  private final SessionStore store = new SessionStore();

  public Sessions(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Opens a session of {@code kind} ({@link #COOKIE} or {@link #TOKEN}) for {@code staff}; {@code accountIdOrNull}
   * is the built-in account, or null for an identity-provider sign-in. {@code expiresAt} of the result is the
   * absolute end; a cookie session also ends after 30 minutes without use.
   */
  public Future<IssuedSession> open(Principal.Staff staff, UUID accountIdOrNull, String kind, String remoteAddress) {
    if (!COOKIE.equals(kind) && !TOKEN.equals(kind)) {
      return Future.failedFuture(new IllegalArgumentException("session kind is cookie or token, not " + kind));
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(ABSOLUTE);
    Instant idle = COOKIE.equals(kind) ? now.plus(IDLE) : null;
    Principal.Staff principal = new Principal.Staff(staff.id(), staff.username(), staff.name(), staff.source(),
        staff.rolesBySite(), expiresAt);
    String token = Tokens.secret(TOKEN_PREFIX);
    String csrf = Tokens.secret("");
    return pool.withTransaction(c -> store.insert(c, Tokens.sha256(token), accountIdOrNull, toJson(principal), csrf,
                kind, now, idle, expiresAt, remoteAddress)
            // sessions past their absolute end are of no use to anyone: tidy them as new ones open
            .compose(v -> store.deleteEnded(c, now)))
        .map(v -> new IssuedSession(token, csrf, expiresAt, principal));
  }

  /**
   * The live session behind {@code token}: empty when unknown, expired, closed, or its account is disabled. A use
   * slides a cookie session's idle expiry.
   */
  public Future<Optional<ActiveSession>> find(String token) {
    return find(token, true);
  }

  /**
   * Like {@link #find(String)} but not a use: the idle expiry does not move. For checks made on the caller's behalf,
   * such as a live feed confirming its credential still holds.
   */
  public Future<Optional<ActiveSession>> check(String token) {
    return find(token, false);
  }

  private Future<Optional<ActiveSession>> find(String token, boolean slide) {
    if (token == null || !token.startsWith(TOKEN_PREFIX)) return Future.succeededFuture(Optional.empty());
    String hash = Tokens.sha256(token);
    Instant now = clock.instant();
    return store.findLive(pool, hash, now).compose(live -> {
      if (live.isEmpty()) return Future.succeededFuture(Optional.<ActiveSession>empty());
      SessionStore.StoredSession s = live.get();
      Optional<Principal.Staff> p = s.accountId() == null
          ? Optional.of(fromJson(s.principal(), s.expiresAt()))
          : Optional.ofNullable(s.account()).filter(acc -> !acc.disabled()).map(acc -> acc.principal(s.expiresAt()));
      if (p.isEmpty()) return Future.succeededFuture(Optional.<ActiveSession>empty());
      ActiveSession found = new ActiveSession(hash, p.get(), s.csrfToken(), s.expiresAt(), s.accountId());
      Instant idle = s.idleExpiresAt();
      if (!slide || idle == null || idle.isAfter(now.plus(IDLE).minus(SLIDE_EVERY))) {
        return Future.succeededFuture(Optional.of(found));
      }
      return store.slide(pool, hash, now.plus(IDLE)).map(v -> Optional.of(found));
    });
  }

  /** Ends the session behind {@code token} (signing out); unknown tokens are ignored. */
  public Future<Void> close(String token) {
    if (token == null) return Future.succeededFuture();
    return store.revoke(pool, Tokens.sha256(token), clock.instant());
  }

  /** Ends every session and API token of a built-in account. */
  public Future<Void> closeAll(UUID accountId) {
    return store.revokeAll(pool, accountId, clock.instant());
  }

  /** Ends every session of the account except the one behind {@code keepToken} (after a password change). */
  public Future<Void> closeOthers(UUID accountId, String keepToken) {
    return store.revokeOthers(pool, accountId, Tokens.sha256(keepToken == null ? "" : keepToken), clock.instant());
  }

  /**
   * Signs an identity provider's access token out of Waitline: it is refused here until {@code expiresAt}, its own
   * expiry. The token itself stays valid at the provider (and for any other service that accepts it).
   */
  public Future<Void> closeProviderToken(String token, Instant expiresAt) {
    return store.revokeProviderToken(pool, Tokens.sha256(token), expiresAt, clock.instant());
  }

  /** Whether an identity provider's access token was signed out of Waitline ({@link #closeProviderToken}). */
  public Future<Boolean> providerTokenClosed(String token) {
    return store.providerTokenRevoked(pool, Tokens.sha256(token));
  }

  private static JsonObject toJson(Principal.Staff p) {
    JsonObject roles = new JsonObject();
    p.rolesBySite().forEach((site, set) -> {
      JsonArray names = new JsonArray();
      set.stream().map(Role::wire).sorted().forEach(names::add);
      roles.put(site, names);
    });
    return new JsonObject().put("id", p.id()).put("username", p.username()).put("name", p.name())
        .put("source", p.source()).put("rolesBySite", roles);
  }

  private static Principal.Staff fromJson(JsonObject j, Instant expiresAt) {
    Map<String, Set<Role>> roles = new HashMap<>();
    JsonObject bySite = j.getJsonObject("rolesBySite", new JsonObject());
    for (String site : bySite.fieldNames()) {
      Set<Role> set = new HashSet<>();
      for (Object name : bySite.getJsonArray(site)) Role.fromWire((String) name).ifPresent(set::add);
      roles.put(site, Set.copyOf(set));
    }
    return new Principal.Staff(j.getString("id"), j.getString("username"), j.getString("name"),
        j.getString("source"), roles, expiresAt);
  }
}
