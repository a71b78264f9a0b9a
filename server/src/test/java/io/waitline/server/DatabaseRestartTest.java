package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL really stopped (a fast shutdown, as a restart or failover does) and started again on the same data
 * directory and port under two running nodes: meanwhile commands answer 503 with a sentence and change nothing, the
 * nodes stay live; afterwards commands succeed again without anyone touching the nodes, and a live feed on the other
 * node receives what was committed, with no gap in seq.
 */
@Timeout(180)
class DatabaseRestartTest {
  /** How long the nodes may take to use the restarted database: the pool reconnects at its next request. */
  private static final long RECOVERY_MS = 30_000;

  @TempDir Path dir;
  private NodePair nodes;
  private StaffFeed feed;

  @AfterEach
  void stop() throws Exception {
    if (feed != null) feed.close();
    if (nodes != null) nodes.close();
  }

  @Test
  void whilePostgresqlIsDownCommandsAnswer503AndOnceItIsBackTheySucceedAndFeedsCatchUp() throws Exception {
    Path pgData = dir.resolve("database").resolve("pg");
    nodes = NodePair.start(dir, Map.of());
    String token = nodes.adminToken;
    feed = StaffFeed.open(nodes.second, token);
    assertThat(feed.next(10_000).getString("type")).isEqualTo("snapshot");
    WebClient rest = WebClient.create(nodes.first.vertx());
    assertThat(checkIn(rest, token, "Ann Before").statusCode()).isEqualTo(201);
    assertThat(feed.next(10_000).getLong("seq")).isEqualTo(1L);

    Postmaster postgres = Postmaster.of(pgData);
    postgres.stopFast();

    HttpResponse<Buffer> refused = checkIn(rest, token, "Bob During");
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
    assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.bodyAsJsonObject().getString("detail")).as("a sentence for the person at the desk")
        .matches("[A-Z].{20,}\\.");
    for (WaitlineServer node : List.of(nodes.first, nodes.second)) {
      WebClient c = WebClient.create(node.vertx());
      assertThat(c.get(node.port(), "127.0.0.1", "/health/live").send().await().statusCode()).isEqualTo(200);
      assertThat(c.get(node.port(), "127.0.0.1", "/health/ready").send().await().statusCode()).isEqualTo(503);
    }

    postgres.startAgain(dir.resolve("postgres-restarted.log"));

    HttpResponse<Buffer> accepted = untilNotRefused(() -> checkIn(rest, token, "Cy After"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    JsonObject event = feed.next(RECOVERY_MS);
    assertThat(event.getString("event")).isEqualTo("checked_in");
    assertThat(event.getLong("seq")).as("the next seq: the refused check-ins left nothing behind").isEqualTo(2L);
    assertThat(event.getJsonObject("entry").getString("ticket"))
        .isEqualTo(accepted.bodyAsJsonObject().getString("ticket"));
    WaitlineServer second = nodes.second;
    assertThat(WebClient.create(second.vertx()).get(second.port(), "127.0.0.1", "/health/ready").send().await()
        .statusCode()).isEqualTo(200);
  }

  private HttpResponse<Buffer> checkIn(WebClient rest, String token, String name) {
    return rest.post(nodes.first.port(), "127.0.0.1", "/api/v1/queues/general/check-ins")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", name))).await();
  }

  /** Repeats {@code command} while it answers 503 (the pool finding out that its old connections are gone). */
  private static HttpResponse<Buffer> untilNotRefused(java.util.function.Supplier<HttpResponse<Buffer>> command)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECOVERY_MS);
    HttpResponse<Buffer> answer = command.get();
    while (answer.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      answer = command.get();
    }
    return answer;
  }

  /** The running PostgreSQL of a data directory, stopped and started as an operator's {@code pg_ctl} does. */
  private record Postmaster(ProcessHandle process, Path executable, List<String> arguments,
      boolean inOwnUserNamespace) {
    static Postmaster of(Path pgData) throws IOException {
      ProcessHandle p = EmbeddedDatabase.postmaster(pgData).orElseThrow();
      // the embedded library runs PostgreSQL in a user namespace of its own when started by root
      boolean ownNamespace = !Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/user"))
          .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
      return new Postmaster(p, Path.of(p.info().command().orElseThrow()), List.of(p.info().arguments().orElseThrow()),
          ownNamespace);
    }

    /** SIGINT: PostgreSQL's fast shutdown, which ends every session at once. */
    void stopFast() throws Exception {
      assertThat(run(List.of("kill", "-INT", Long.toString(process.pid())))).isZero();
      process.onExit().get(60, TimeUnit.SECONDS);
    }

    /** The same server again: same binary, data directory, port and settings, waiting until it accepts connections. */
    void startAgain(Path log) throws Exception {
      List<String> command = new ArrayList<>();
      if (inOwnUserNamespace) command.addAll(List.of("unshare", "-U"));
      command.addAll(List.of(executable.resolveSibling("pg_ctl").toString(), "-w", "-l", log.toString(),
          "-o", String.join(" ", arguments), "-D", arguments.get(arguments.indexOf("-D") + 1), "start"));
      assertThat(run(command)).as("pg_ctl start; its log:\n%s", Files.exists(log) ? Files.readString(log) : "")
          .isZero();
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    }
  }
}
