package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node killed outright comes back on the first start; a second live node on the same directory is refused. */
@Timeout(180)
class EmbeddedDatabaseRestartTest {
  @TempDir Path dir;

  @Test
  void aNodeKilledWithItsDatabaseRunningStartsAgainOnTheFirstTryWithItsData() throws Exception {
    Path dataDir = dir.resolve("data");
    Process node = startNode(dataDir, "before the crash");
    long orphanPid = awaitReady(node);
    node.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no shutdown hook, PostgreSQL stays behind
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).as("the orphaned PostgreSQL").contains(true);

    try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
      assertThat(notes(db)).containsExactly("before the crash");
      assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false))
          .as("the orphan was stopped").isFalse();
    }
  }

  @Test
  void aSecondNodeOnTheSameDataDirectoryIsRefusedWithASentenceAndTheFirstKeepsRunning() throws Exception {
    Path dataDir = dir.resolve("data");
    Process node = startNode(dataDir, "first node");
    try {
      long postgres = awaitReady(node);
      assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir))
          .isInstanceOf(EmbeddedDatabase.StartFailure.class)
          .hasMessage("Another Waitline node is already running with the data directory " + dataDir
              + "; stop it first, or give this node its own directory with WAITLINE_DATA_DIR.");
      assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).as("the first node's database").contains(true);
    } finally {
      node.destroy(); // a clean stop: its shutdown stops PostgreSQL too
      node.waitFor(60, TimeUnit.SECONDS);
      try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
        assertThat(notes(db)).containsExactly("first node");
      }
    }
  }

  private static Process startNode(Path dataDir, String note) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        HoldEmbeddedDatabase.class.getName(), dataDir.toString(), note)
        .redirectErrorStream(true).start();
  }

  /** Waits for the child's {@code ready <pid>} line; returns its PostgreSQL's pid. */
  private static long awaitReady(Process node) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("ready ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
        drain.setDaemon(true);
        drain.start();
        return Long.parseLong(line.substring(6).trim());
      }
      seen.add(line);
    }
    throw new AssertionError("the child node ended before it was ready: " + String.join("\n", seen));
  }

  private static List<String> notes(EmbeddedDatabase db) throws Exception {
    String url = "jdbc:postgresql://localhost:" + db.port() + "/" + EmbeddedDatabase.DATABASE;
    List<String> notes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT note FROM crash_marker")) {
      while (rs.next()) notes.add(rs.getString(1));
    }
    return notes;
  }
}
