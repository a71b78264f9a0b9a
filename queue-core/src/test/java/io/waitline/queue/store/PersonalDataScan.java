package io.waitline.queue.store;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Looks for values in every text, character, JSON, bytea and date column of every table of a database, whatever module
 * owns it: where a seeded patient detail is still stored. Bytea columns are read with their printable bytes as they
 * are (encode's escape format).
 */
public final class PersonalDataScan {
  private final Pool pool;
  /** Each column as its name ({@code table.column}), its table and the expression that reads it as text. */
  private record Column(String name, String table, String text) {}

  private final List<Column> columns = new ArrayList<>();

  /** The columns to read, found once; tables in {@code skipped} (e.g. the migration histories) are not read. */
  public PersonalDataScan(Pool pool, Collection<String> skipped) {
    this.pool = pool;
    for (Row r : pool.query("SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c"
        + " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        + " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND (c.data_type IN ('text',"
        + " 'character varying', 'character', 'json', 'jsonb', 'bytea', 'date') OR c.data_type = 'ARRAY')"
        + " ORDER BY 1, 2").execute().await()) {
      if (skipped.contains(r.getString(0))) continue;
      String value = "bytea".equals(r.getString(2)) ? "encode(\"" + r.getString(1) + "\", 'escape')"
          : "\"" + r.getString(1) + "\"::text";
      columns.add(new Column(r.getString(0) + "." + r.getString(1), r.getString(0), value));
    }
    if (columns.isEmpty()) throw new IllegalStateException("no text column found: is the database migrated?");
  }

  /** How many columns are read: a scan of none would find nothing, so tests check it is many. */
  public int columns() {
    return columns.size();
  }

  /** Where {@code value} occurs, as {@code table.column} names; empty when nowhere. One statement for all columns. */
  public TreeSet<String> whereIs(String value) {
    String sql = String.join(" UNION ALL ", columns.stream().map(c -> "SELECT '" + c.name() + "' WHERE EXISTS"
        + " (SELECT 1 FROM \"" + c.table() + "\" WHERE strpos(" + c.text() + ", $1) > 0)").toList());
    TreeSet<String> found = new TreeSet<>();
    for (Row r : pool.preparedQuery(sql).execute(Tuple.of(value)).await()) found.add(r.getString(0));
    return found;
  }
}
