package io.waitline.access.store;

import io.vertx.pgclient.PgException;

/** The SQLSTATEs the access module reacts to. */
public final class Sql {
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private Sql() {}

  public static boolean isState(Throwable err, String sqlState) {
    return err instanceof PgException pg && sqlState.equals(pg.getSqlState());
  }
}
