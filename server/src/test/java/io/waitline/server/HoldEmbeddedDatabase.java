package io.waitline.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link EmbeddedDatabaseRestartTest}: starts the embedded database on the given data directory,
 * commits one row, prints {@code ready <postmaster pid>} and waits to be killed.
 */
public final class HoldEmbeddedDatabase {
  private HoldEmbeddedDatabase() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
    String url = "jdbc:postgresql://localhost:" + db.port() + "/" + EmbeddedDatabase.DATABASE;
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS crash_marker (note text)");
      st.execute("INSERT INTO crash_marker VALUES ('" + args[1] + "')");
    }
    long pid = EmbeddedDatabase.postmaster(dataDir.resolve("pg")).orElseThrow().pid();
    System.out.println("ready " + pid);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
