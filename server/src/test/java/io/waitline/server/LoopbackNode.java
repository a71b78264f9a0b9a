package io.waitline.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Starts a node for a test: on loopback, on a free port, its data in its own directory, on a given database. */
final class LoopbackNode {
  private LoopbackNode() {}

  static WaitlineServer start(Path dataDir, String databaseUrl, Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("WAITLINE_HTTP_PORT", "0", "WAITLINE_HTTP_HOST", "127.0.0.1",
        "WAITLINE_DATA_DIR", dataDir.toString(), "DATABASE_URL", databaseUrl));
    env.putAll(extra);
    return new WaitlineServer(Config.load(env)).start();
  }
}
