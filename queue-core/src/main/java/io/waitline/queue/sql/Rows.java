package io.waitline.queue.sql;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What every module's store does with query results and timestamps (each store keeps its own SQL): outside
 * queue-core's store package, so that other modules share it without reaching into queue-core's store.
 */
public final class Rows {
  private Rows() {}

  /** The first row mapped by {@code f}, or null when there is none. */
  public static <T> T first(RowSet<Row> rows, Function<Row, T> f) {
    var it = rows.iterator();
    return it.hasNext() ? f.apply(it.next()) : null;
  }

  /** Every row mapped by {@code f}, in order. */
  public static <T> List<T> map(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(f.apply(r));
    return out;
  }

  /** An instant as a {@code timestamptz} parameter (UTC); null stays null. */
  public static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** A {@code timestamptz} column as an instant; null stays null. */
  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
