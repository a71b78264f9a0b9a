package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.waitline.access.store.DeviceStore;
import io.waitline.access.store.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Enrolled TV displays and kiosks. An admin starts a pairing (a code of 8 Crockford characters, shown as
 * {@code XXXX-XXXX}, valid 10 minutes, single use); the device trades it for its own token. Only hashes of codes and
 * tokens are stored. A revoked device's token stops working at once.
 */
public final class Devices {
  public static final String TOKEN_PREFIX = "wld_";
  static final Duration PAIRING_LIFETIME = Duration.ofMinutes(10);
  // last_seen_at is a write per request otherwise
  private static final Duration SEEN_EVERY = Duration.ofMinutes(1);
  private static final int CODE_CHARS = 8;

  private final Pool pool;
  private final Sites sites;
  private final Clock clock;
  private final DeviceStore store = new DeviceStore();

  /** @param sites says which sites exist, so devices are enrolled only at real ones */
  public Devices(Pool pool, Sites sites, Clock clock) {
    this.pool = pool;
    this.sites = sites;
    this.clock = clock;
  }

  /** A new pairing code for a device of {@code kind} named {@code name} at {@code siteId}; refused for an unknown site. */
  public Future<Pairing> startPairing(String siteId, DeviceKind kind, String name, String createdBy) {
    String trimmed = name == null ? "" : name.trim();
    if (trimmed.isEmpty() || trimmed.length() > 80) {
      return Future.failedFuture(new AccessException(Refusal.INVALID, "bad-request",
          "A device name is 1 to 80 characters."));
    }
    if (kind == null) {
      return Future.failedFuture(
          new AccessException(Refusal.INVALID, "bad-request", "Say whether the device is a display or a kiosk."));
    }
    Instant now = clock.instant();
    Instant expiresAt = now.plus(PAIRING_LIFETIME);
    String code = Tokens.code(2, CODE_CHARS / 2);
    return siteExists(siteId)
        .compose(v -> pool.withTransaction(c -> store.insertPairing(c, Tokens.sha256(Tokens.canonicalCode(code)),
                siteId, kind, trimmed, createdBy, now, expiresAt)
            // a spent code is of no further use once long expired
            .compose(x -> store.deletePairingsExpiredBefore(c, now.minus(Duration.ofDays(1))))))
        // the foreign key still guards a site removed since the check
        .recover(err -> Future.failedFuture(Sql.isState(err, Sql.FOREIGN_KEY_VIOLATION) ? unknownSite(siteId) : err))
        .map(v -> new Pairing(code, siteId, kind, trimmed, expiresAt));
  }

  /**
   * Enrols the device behind {@code code} (case and dashes do not matter): refused as not found when the code is not
   * known, as gone when it expired or was used already.
   */
  public Future<PairedDevice> pair(String code) {
    String canonical = Tokens.canonicalCode(code);
    if (canonical == null || canonical.length() != CODE_CHARS) return Future.failedFuture(unknownCode());
    Instant now = clock.instant();
    String token = Tokens.secret(TOKEN_PREFIX);
    String codeHash = Tokens.sha256(canonical);
    return pool.withTransaction(c -> store.lockPairing(c, codeHash).compose(found -> {
      if (found.isEmpty()) return Future.failedFuture(unknownCode());
      DeviceStore.StoredPairing p = found.get();
      if (p.usedAt() != null) {
        return Future.failedFuture(new AccessException(Refusal.GONE, "gone",
            "This pairing code has been used already; each code works once. Ask an admin for a new one."));
      }
      if (!p.expiresAt().isAfter(now)) {
        return Future.failedFuture(new AccessException(Refusal.GONE, "gone",
            "This pairing code has expired (codes last 10 minutes). Ask an admin for a new one."));
      }
      return store.markPairingUsed(c, codeHash, now)
          .compose(v -> store.insertDevice(c, UUID.randomUUID(), p, Tokens.sha256(token), now));
    })).map(device -> new PairedDevice(token, device));
  }

  /** The device behind {@code token}, unless unknown or revoked. Notes when it was last seen, at most once a minute. */
  public Future<Optional<Principal.Device>> find(String token) {
    if (token == null || !token.startsWith(TOKEN_PREFIX)) return Future.succeededFuture(Optional.empty());
    Instant now = clock.instant();
    return store.findLive(pool, Tokens.sha256(token)).compose(live -> {
      if (live.isEmpty()) return Future.succeededFuture(Optional.<Principal.Device>empty());
      DeviceRecord d = live.get();
      Optional<Principal.Device> found = Optional.of(
          new Principal.Device(d.id().toString(), d.siteId(), d.kind(), d.name()));
      if (d.lastSeenAt() != null && d.lastSeenAt().isAfter(now.minus(SEEN_EVERY))) {
        return Future.succeededFuture(found);
      }
      return store.seen(pool, d.id(), now).map(v -> found);
    });
  }

  /** Every device enrolled at the site, revoked ones included, oldest first (refused for an unknown site). */
  public Future<List<DeviceRecord>> list(String siteId) {
    return siteExists(siteId).compose(v -> store.ofSite(pool, siteId));
  }

  public Future<DeviceRecord> get(UUID id) {
    return store.get(pool, id).map(found -> found.orElseThrow(() -> unknownDevice(id)));
  }

  /** Stops the device's token at once; revoking twice keeps the first time. */
  public Future<DeviceRecord> revoke(UUID id) {
    return store.revoke(pool, id, clock.instant()).map(found -> found.orElseThrow(() -> unknownDevice(id)));
  }

  private Future<Void> siteExists(String siteId) {
    if (siteId == null) return Future.failedFuture(unknownSite(null));
    return sites.unknown(Set.of(siteId)).compose(unknown -> unknown.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(unknownSite(siteId)));
  }

  private static AccessException unknownSite(String siteId) {
    return new AccessException(Refusal.NOT_FOUND, "not-found", "There is no site " + siteId + ".");
  }

  private static AccessException unknownCode() {
    return new AccessException(Refusal.NOT_FOUND, "not-found",
        "This pairing code is not known. Check it against the code the admin was shown, or ask for a new one.");
  }

  private static AccessException unknownDevice(UUID id) {
    return new AccessException(Refusal.NOT_FOUND, "not-found", "There is no device " + id + ".");
  }
}
