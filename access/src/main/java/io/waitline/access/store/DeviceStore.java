package io.waitline.access.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.DeviceKind;
import io.waitline.access.DeviceRecord;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of enrolled devices and their pairing codes, found by hashes only. */
public final class DeviceStore {
  private static final String COLUMNS = "id, site_id, kind, name, created_at, last_seen_at, revoked_at";

  /** A pairing code as stored. */
  public record StoredPairing(String siteId, DeviceKind kind, String name, String createdBy, Instant expiresAt,
      Instant usedAt) {}

  public Future<Void> insertPairing(SqlClient c, String codeHash, String siteId, DeviceKind kind, String name,
      String createdBy, Instant now, Instant expiresAt) {
    return c.preparedQuery("""
            INSERT INTO device_pairing (code_hash, site_id, kind, name, created_by, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(codeHash, siteId, kind.wire(), name, createdBy, Rows.odt(now), Rows.odt(expiresAt)))
        .mapEmpty();
  }

  public Future<Void> deletePairingsExpiredBefore(SqlClient c, Instant before) {
    return c.preparedQuery("DELETE FROM device_pairing WHERE expires_at < $1").execute(Tuple.of(Rows.odt(before)))
        .mapEmpty();
  }

  /** The pairing behind {@code codeHash}, locked until the transaction ends. */
  public Future<Optional<StoredPairing>> lockPairing(SqlClient c, String codeHash) {
    return c.preparedQuery("SELECT site_id, kind, name, created_by, expires_at, used_at FROM device_pairing"
            + " WHERE code_hash = $1 FOR UPDATE")
        .execute(Tuple.of(codeHash))
        .map(rs -> {
          if (rs.size() == 0) return Optional.empty();
          Row p = rs.iterator().next();
          return Optional.of(new StoredPairing(p.getString("site_id"),
              DeviceKind.fromWire(p.getString("kind")).orElseThrow(), p.getString("name"),
              p.getString("created_by"), Rows.instant(p.getOffsetDateTime("expires_at")),
              Rows.instant(p.getOffsetDateTime("used_at"))));
        });
  }

  public Future<Void> markPairingUsed(SqlClient c, String codeHash, Instant now) {
    return c.preparedQuery("UPDATE device_pairing SET used_at = $2 WHERE code_hash = $1")
        .execute(Tuple.of(codeHash, Rows.odt(now))).mapEmpty();
  }

  public Future<DeviceRecord> insertDevice(SqlClient c, UUID id, StoredPairing from, String tokenHash, Instant now) {
    return c.preparedQuery("INSERT INTO device (id, site_id, kind, name, token_hash, created_at, created_by)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
        .execute(Tuple.of(id, from.siteId(), from.kind().wire(), from.name(), tokenHash, Rows.odt(now),
            from.createdBy()))
        .map(rs -> device(rs.iterator().next()));
  }

  /** The device behind {@code tokenHash} unless revoked. */
  public Future<Optional<DeviceRecord>> findLive(SqlClient c, String tokenHash) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE token_hash = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(tokenHash)).map(DeviceStore::first);
  }

  public Future<Void> seen(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery("UPDATE device SET last_seen_at = $2 WHERE id = $1").execute(Tuple.of(id, Rows.odt(now)))
        .mapEmpty();
  }

  /** Every device of the site, revoked ones included, oldest first. */
  public Future<List<DeviceRecord>> ofSite(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE site_id = $1 ORDER BY created_at, name, id")
        .execute(Tuple.of(siteId))
        .map(rs -> {
          List<DeviceRecord> out = new ArrayList<>();
          for (Row r : rs) out.add(device(r));
          return out;
        });
  }

  public Future<Optional<DeviceRecord>> get(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM device WHERE id = $1").execute(Tuple.of(id))
        .map(DeviceStore::first);
  }

  /** Revokes the device, keeping the first revocation time; empty when there is no such device. */
  public Future<Optional<DeviceRecord>> revoke(SqlClient c, UUID id, Instant now) {
    return c.preparedQuery("UPDATE device SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING "
            + COLUMNS)
        .execute(Tuple.of(id, Rows.odt(now))).map(DeviceStore::first);
  }

  private static Optional<DeviceRecord> first(RowSet<Row> rs) {
    return rs.size() == 0 ? Optional.empty() : Optional.of(device(rs.iterator().next()));
  }

  private static DeviceRecord device(Row r) {
    return new DeviceRecord(r.getUUID("id"), r.getString("site_id"),
        DeviceKind.fromWire(r.getString("kind")).orElseThrow(), r.getString("name"),
        Rows.instant(r.getOffsetDateTime("created_at")), Rows.instant(r.getOffsetDateTime("last_seen_at")),
        Rows.instant(r.getOffsetDateTime("revoked_at")));
  }
}
