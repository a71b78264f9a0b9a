package io.waitline.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Two Waitline nodes on one embedded PostgreSQL, as in docker-compose.yml: node 1 migrates and creates the demo site,
 * and the first admin exists before node 2 starts (operations.md). Closing stops node 2, node 1, then the database.
 */
final class NodePair implements AutoCloseable {
  final EmbeddedDatabase database;
  final WaitlineServer first;
  final WaitlineServer second;
  /** The first admin's API token. */
  final String adminToken;

  private NodePair(EmbeddedDatabase database, WaitlineServer first, WaitlineServer second, String adminToken) {
    this.database = database;
    this.first = first;
    this.second = second;
    this.adminToken = adminToken;
  }

  /** Both nodes with {@code settings} (e.g. Kafka's), their data under {@code dir}; what started is closed on failure. */
  static NodePair start(Path dir, Map<String, String> settings) throws Exception {
    EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("database"));
    WaitlineServer first = null;
    try {
      String url = "postgresql://postgres:postgres@localhost:" + database.port() + "/" + EmbeddedDatabase.DATABASE;
      first = LoopbackNode.start(dir.resolve("node-1"), url, settings);
      String token = FirstAdmin.token(first, dir.resolve("node-1"));
      Map<String, String> secondSettings = new HashMap<>(settings);
      secondSettings.put("WAITLINE_DEMO_DATA", "false");
      return new NodePair(database, first, LoopbackNode.start(dir.resolve("node-2"), url, secondSettings), token);
    } catch (Exception | Error e) {
      if (first != null) first.stop();
      database.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      second.stop();
      first.stop();
    } finally {
      database.close(); // a restarted PostgreSQL too: it owns the same data directory
    }
  }
}
