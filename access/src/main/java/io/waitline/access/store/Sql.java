package io.waitline.access.store;

import io.vertx.pgclient.PgException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Conversions between Java values and PostgreSQL ones, and the SQLSTATEs the access module reacts to. */
public final class Sql {
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private Sql() {}

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  public static boolean isState(Throwable err, String sqlState) {
    return err instanceof PgException pg && sqlState.equals(pg.getSqlState());
  }
}
