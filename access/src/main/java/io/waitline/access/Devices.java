package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
  private static final String COLUMNS = "id, site_id, kind, name, created_at, last_seen_at, revoked_at";

  private final Pool pool;
  private final Clock clock;

  public Devices(Pool pool, Clock clock) {
    this.pool = pool;
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
    return pool.withTransaction(c -> siteExists(c, siteId)
        .compose(v -> c.preparedQuery("""
                INSERT INTO device_pairing (code_hash, site_id, kind, name, created_by, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
            .execute(Tuple.of(Tokens.sha256(Tokens.canonicalCode(code)), siteId, kind.wire(), trimmed, createdBy,
                Sql.odt(now), Sql.odt(expiresAt))))
        // a spent code is of no further use once long expired
        .compose(v -> c.preparedQuery("DELETE FROM device_pairing WHERE expires_at < $1")
            .execute(Tuple.of(Sql.odt(now.minus(Duration.ofDays(1)))))))
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
    UUID id = UUID.randomUUID();
    return pool.withTransaction(c -> c.preparedQuery(
            "SELECT site_id, kind, name, created_by, expires_at, used_at FROM device_pairing WHERE code_hash = $1 "
                + "FOR UPDATE")
        .execute(Tuple.of(Tokens.sha256(canonical)))
        .compose(rs -> {
          if (rs.size() == 0) return Future.failedFuture(unknownCode());
          Row p = rs.iterator().next();
          if (p.getOffsetDateTime("used_at") != null) {
            return Future.failedFuture(new AccessException(Refusal.GONE, "gone",
                "This pairing code has been used already; each code works once. Ask an admin for a new one."));
          }
          if (!Sql.instant(p.getOffsetDateTime("expires_at")).isAfter(now)) {
            return Future.failedFuture(new AccessException(Refusal.GONE, "gone",
                "This pairing code has expired (codes last 10 minutes). Ask an admin for a new one."));
          }
          return c.preparedQuery("UPDATE device_pairing SET used_at = $2 WHERE code_hash = $1")
              .execute(Tuple.of(Tokens.sha256(canonical), Sql.odt(now)))
              .compose(v -> c.preparedQuery("INSERT INTO device (id, site_id, kind, name, token_hash, created_at, "
                      + "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
                  .execute(Tuple.of(id, p.getString("site_id"), p.getString("kind"), p.getString("name"),
                      Tokens.sha256(token), Sql.odt(now), p.getString("created_by"))));
        })
        .map(rs -> new PairedDevice(token, device(rs.iterator().next()))));
  }

  /** The device behind {@code token}, unless unknown or revoked. Notes when it was last seen, at most once a minute. */
  public Future<Optional<Principal.Device>> find(String token) {
    if (token == null || !token.startsWith(TOKEN_PREFIX)) return Future.succeededFuture(Optional.empty());
    Instant now = clock.instant();
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE token_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(Tokens.sha256(token)))
        .compose(rs -> {
          if (rs.size() == 0) return Future.succeededFuture(Optional.<Principal.Device>empty());
          DeviceRecord d = device(rs.iterator().next());
          Optional<Principal.Device> found = Optional.of(
              new Principal.Device(d.id().toString(), d.siteId(), d.kind(), d.name()));
          if (d.lastSeenAt() != null && d.lastSeenAt().isAfter(now.minus(SEEN_EVERY))) {
            return Future.succeededFuture(found);
          }
          return pool.preparedQuery("UPDATE device SET last_seen_at = $2 WHERE id = $1")
              .execute(Tuple.of(d.id(), Sql.odt(now))).map(v -> found);
        });
  }

  /** Every device enrolled at the site, revoked ones included, oldest first (refused for an unknown site). */
  public Future<List<DeviceRecord>> list(String siteId) {
    return siteExists(pool, siteId)
        .compose(v -> pool.preparedQuery(
                "SELECT " + COLUMNS + " FROM device WHERE site_id = $1 ORDER BY created_at, name, id")
            .execute(Tuple.of(siteId)))
        .map(rs -> {
          List<DeviceRecord> out = new ArrayList<>();
          for (Row r : rs) out.add(device(r));
          return out;
        });
  }

  public Future<DeviceRecord> get(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE id = $1").execute(Tuple.of(id))
        .compose(rs -> rs.size() == 0 ? Future.failedFuture(unknownDevice(id))
            : Future.succeededFuture(device(rs.iterator().next())));
  }

  /** Stops the device's token at once; revoking twice keeps the first time. */
  public Future<DeviceRecord> revoke(UUID id) {
    return pool.preparedQuery("UPDATE device SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING "
            + COLUMNS)
        .execute(Tuple.of(id, Sql.odt(clock.instant())))
        .compose(rs -> rs.size() == 0 ? Future.failedFuture(unknownDevice(id))
            : Future.succeededFuture(device(rs.iterator().next())));
  }

  private static Future<Void> siteExists(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT 1 FROM site WHERE id = $1").execute(Tuple.of(siteId))
        .compose(rs -> rs.size() == 0
            ? Future.failedFuture(new AccessException(Refusal.NOT_FOUND, "not-found",
                "There is no site " + siteId + "."))
            : Future.succeededFuture());
  }

  private static DeviceRecord device(Row r) {
    return new DeviceRecord(r.getUUID("id"), r.getString("site_id"),
        DeviceKind.fromWire(r.getString("kind")).orElseThrow(), r.getString("name"),
        Sql.instant(r.getOffsetDateTime("created_at")), Sql.instant(r.getOffsetDateTime("last_seen_at")),
        Sql.instant(r.getOffsetDateTime("revoked_at")));
  }

  private static AccessException unknownCode() {
    return new AccessException(Refusal.NOT_FOUND, "not-found",
        "This pairing code is not known. Check it against the code the admin was shown, or ask for a new one.");
  }

  private static AccessException unknownDevice(UUID id) {
    return new AccessException(Refusal.NOT_FOUND, "not-found", "There is no device " + id + ".");
  }
}
