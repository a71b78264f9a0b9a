package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The display benchmark end to end, small: a real Waitline node (embedded PostgreSQL) and the bare broadcast server,
 * each in a JVM of its own as run.sh starts them (the node from the server module's jar alone), measured by the
 * benchmark's own screens.
 */
class DisplayFanOutBenchmarkTest {
  private static final String PASSWORD = "bench-admin-passphrase-1";
  private static final int FEEDS = 20;
  private static final int CALLS = 3;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  @Test
  void everyScreenOfAWaitlineNodeAndOfTheBareServerIsTimedForEveryCall() throws Exception {
    int port = freePort();
    int barePort = freePort();
    Path data = dir.resolve("data");
    String base = "http://127.0.0.1:" + port;
    List<Process> processes = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
      String serverJar = classpath.stream().filter(DisplayFanOutBenchmarkTest::isServerJar).findFirst()
          .orElseThrow(() -> new AssertionError("no packaged server module on the test classpath: " + classpath));
      Process node = start(processes, dir.resolve("node.log"), serverJar, "-DWAITLINE_DATA_DIR=" + data,
          "-DWAITLINE_HTTP_HOST=127.0.0.1", "-DWAITLINE_HTTP_PORT=" + port, "-DWAITLINE_PUBLIC_URL=" + base,
          "io.waitline.server.Main");
      Path bareLog = dir.resolve("bare.log");
      Process bare = start(processes, bareLog,
          String.join(File.pathSeparator, classpath.stream().filter(e -> !e.equals(serverJar)).toList()),
          BareBroadcastServer.class.getName(), Integer.toString(barePort));
      awaitTrue("the node's setup code and readiness", node, dir.resolve("node.log"),
          () -> Files.exists(data.resolve("setup-code")) && status(base + "/health/ready") == 200);
      awaitTrue("the bare server", bare, bareLog, () -> read(bareLog).contains("listening"));
      HttpResponse<String> setup = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/setup"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
              .put("code", read(data.resolve("setup-code")).trim()).put("username", "bench-admin")
              .put("displayName", "Benchmark").put("password", PASSWORD).encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(setup.statusCode()).as(setup.body()).isEqualTo(201);

      DisplayOptions o = DisplayOptions.parse(new String[] {"--base-url", base, "--username", "bench-admin",
          "--password", PASSWORD, "--server-pid", Long.toString(node.pid()), "--bare-url",
          "http://127.0.0.1:" + barePort, "--bare-pid", Long.toString(bare.pid()), "--feeds", Integer.toString(FEEDS),
          "--line", "5", "--calls", Integer.toString(CALLS), "--cycle-timeout-ms", "20000"}, Map.of());
      JsonObject result = new DisplayFanOutBenchmark(o, vertx).run();

      for (String side : List.of("waitline", "bare")) {
        JsonObject s = result.getJsonObject(side);
        assertThat(s.getJsonObject("toLastMs").getInteger("count")).as(side).isEqualTo(CALLS);
        assertThat(s.getJsonObject("toEachMs").getInteger("count")).as(side).isEqualTo(CALLS * FEEDS);
        assertThat(s.getJsonObject("toEachMs").getDouble("max")).as(side)
            .isEqualTo(s.getJsonObject("toLastMs").getDouble("max"));
      }
      long waitlineBytes = result.getJsonObject("waitline").getLong("bytesPerFrame");
      assertThat(waitlineBytes).as("a protocol 2 call frame").isBetween(100L, 511L);
      assertThat(result.getJsonObject("bare").getLong("bytesPerFrame")).as("the bare frames are as large")
          .isEqualTo(waitlineBytes);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      for (Process p : processes) {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The server module's jar, as Maven puts it on the test classpath (from the reactor or the local repository): the
   * whole server with its dependencies in one jar, which starts a node alone (beside the other entries, two copies
   * of the embedded PostgreSQL binaries would stop it).
   */
  private static boolean isServerJar(String entry) {
    String path = entry.replace(File.separatorChar, '/');
    return path.endsWith("/server/target/waitline.jar") || path.matches(".*/io/waitline/server/[^/]+/server-[^/]+\\.jar");
  }

  /** A JVM on {@code classpath} running {@code args} (system properties, then the main class and its own). */
  private static Process start(List<Process> processes, Path log, String classpath, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx512m", "-cp", classpath));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  private static void awaitTrue(String what, Process p, Path log, BooleanSupplier ready) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!ready.getAsBoolean()) {
      if (!p.isAlive()) throw new AssertionError(what + ": the process exited:\n" + read(log));
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not ready within 120 s:\n" + read(log));
      Thread.sleep(200);
    }
  }

  private int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
