package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node in a child JVM, as {@code java -jar waitline.jar} runs it (embedded PostgreSQL in {@code dataDir}), its log in
 * a file: for tests that kill a real process.
 */
final class ChildNode {
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);

  private final Process process;
  private final Path dataDir;
  private final int port;
  private final Path log;
  /** A client of its own: connections kept alive to a killed node are dead. */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ChildNode(Process process, Path dataDir, int port, Path log) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.log = log;
  }

  /** Starts a node on {@code dataDir} and waits until it is ready; {@code settings} are more WAITLINE_* values. */
  static ChildNode start(Path dataDir, int port, Path log, Map<String, String> settings) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:-DontCompileHugeMethods", "-cp", System.getProperty("java.class.path"),
        "-DWAITLINE_DATA_DIR=" + dataDir, "-DWAITLINE_HTTP_HOST=127.0.0.1", "-DWAITLINE_HTTP_PORT=" + port));
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add(Main.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ChildNode node = new ChildNode(p, dataDir, port, log);
    node.awaitReady();
    return node;
  }

  static ChildNode start(Path dataDir, int port, Path log) throws Exception {
    return start(dataDir, port, log, Map.of());
  }


  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Sets up the first admin with the setup code the node wrote, and answers an API token of theirs. */
  String firstAdminToken() throws Exception {
    // written before the node answers on its port (WaitlineNode.Options.onSetupCode), so there once it is ready
    String code = Files.readString(dataDir.resolve(WaitlineServer.SETUP_CODE_FILE)).trim();
    HttpResponse<String> setup = post(null, "/api/v1/setup", new JsonObject().put("code", code)
        .put("username", FirstAdmin.USERNAME).put("displayName", "First Admin").put("password", FirstAdmin.PASSWORD));
    assertThat(setup.statusCode()).as("setup: %s", setup.body()).isEqualTo(201);
    HttpResponse<String> token = post(null, "/api/v1/auth/tokens",
        new JsonObject().put("username", FirstAdmin.USERNAME).put("password", FirstAdmin.PASSWORD));
    assertThat(token.statusCode()).as("token: %s", token.body()).isEqualTo(201);
    return new JsonObject(token.body()).getString("token");
  }

  HttpResponse<String> post(String token, String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String token, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Ready on the first start, or the test fails with the node's log. */
  private void awaitReady() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the node exited (" + process.exitValue() + ") on its first start:\n" + logText());
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(2))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the node was not ready within " + START_DEADLINE.toSeconds() + " s:\n" + logText());
  }

  /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left behind. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** A clean stop (its shutdown hook stops PostgreSQL); a PostgreSQL left by a kill is stopped too. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    EmbeddedDatabase.postmaster(dataDir.resolve("pg")).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .ifPresent(ProcessHandle::destroy);
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
