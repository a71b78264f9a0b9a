package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real node (a child JVM running {@link Main}) while desks check patients in and call them over
 * HTTP, three times: each restart on the same data directory comes up on the first try, and every command that was
 * acknowledged (a 2xx received) is there, with no ticket handed out twice, no patient called twice and the queue's
 * event seq gap-free.
 */
@Timeout(420)
class CrashUnderLoadTest {
  private static final int ROUNDS = 3;
  private static final int DESKS = 4;
  private static final Duration LOAD_PER_ROUND = Duration.ofSeconds(3);
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  private static final String QUEUE = "general";

  @TempDir Path dir;
  /** Entry id → ticket of every check-in answered 201. */
  private final Map<String, String> checkedIn = new ConcurrentHashMap<>();
  /** Entry ids of every call-next answered 200. */
  private final Set<String> called = ConcurrentHashMap.newKeySet();

  @Test
  void threeKillsUnderLoadLoseNoAcknowledgedCommandAndEveryRestartSucceedsFirstTime() throws Exception {
    Path dataDir = dir.resolve("data");
    int port = freePort();
    Node node = Node.start(dataDir, port, dir.resolve("node-0.log"));
    try {
      String token = firstAdminToken(node, dataDir);
      for (int round = 1; round <= ROUNDS; round++) {
        int before = checkedIn.size();
        loadThenKill(node, token);
        assertThat(checkedIn.size()).as("check-ins acknowledged in round %d", round).isGreaterThan(before);
        node = Node.start(dataDir, port, dir.resolve("node-" + round + ".log"));
        assertEveryAcknowledgedCommandIsThere(node, token);
        System.out.printf("round %d: %d check-ins and %d calls acknowledged so far, all present after the restart%n",
            round, checkedIn.size(), called.size());
      }
    } finally {
      node.stop();
    }
  }

  /** Desks send check-ins and calls until the node is killed mid-load. */
  private void loadThenKill(Node node, String token) throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> desks = new ArrayList<>();
    for (int d = 0; d < DESKS; d++) {
      int desk = d;
      Thread t = new Thread(() -> {
        for (int i = 0; !killed.get(); i++) {
          try {
            if (i % 3 == 2) {
              callNext(node, token, desk);
            } else {
              checkIn(node, token, "Desk " + desk + " patient " + i);
            }
          } catch (IOException cutOff) {
            if (!killed.get()) failures.add(new AssertionError("a request failed before the kill", cutOff));
          } catch (InterruptedException e) {
            return;
          } catch (AssertionError e) {
            failures.add(e);
            return;
          }
        }
      }, "desk-" + d);
      t.start();
      desks.add(t);
    }
    Thread.sleep(LOAD_PER_ROUND.toMillis());
    killed.set(true);
    node.kill();
    for (Thread t : desks) t.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(failures).as("what the desks met before the kill").isEmpty();
  }

  private void checkIn(Node node, String token, String name) throws IOException, InterruptedException {
    HttpResponse<String> r = post(node, token, "/api/v1/queues/" + QUEUE + "/check-ins",
        new JsonObject().put("patient", new JsonObject().put("name", name)));
    assertThat(r.statusCode()).as("check-in: %s", r.body()).isEqualTo(201);
    JsonObject entry = new JsonObject(r.body());
    checkedIn.put(entry.getString("id"), entry.getString("ticket"));
  }

  private void callNext(Node node, String token, int desk) throws IOException, InterruptedException {
    HttpResponse<String> r = post(node, token, "/api/v1/queues/" + QUEUE + "/call-next",
        new JsonObject().put("calledTo", "Room " + desk));
    if (r.statusCode() == 200) {
      called.add(new JsonObject(r.body()).getString("id"));
    } else {
      // nobody waiting: another desk called them all; anything else is a failure
      assertThat(r.statusCode()).as("call-next: %s", r.body()).isBetween(400, 499);
    }
  }

  private void assertEveryAcknowledgedCommandIsThere(Node node, String token) throws Exception {
    for (Map.Entry<String, String> e : checkedIn.entrySet()) {
      HttpResponse<String> r = get(node, token, "/api/v1/entries/" + e.getKey());
      assertThat(r.statusCode()).as("acknowledged check-in %s after the restart: %s", e.getValue(), r.body())
          .isEqualTo(200);
      JsonObject entry = new JsonObject(r.body());
      assertThat(entry.getString("ticket")).isEqualTo(e.getValue());
      if (called.contains(e.getKey())) assertThat(entry.getString("status")).as(e.getValue()).isEqualTo("called");
    }
    List<JsonObject> events = events(node, token);
    long snapshotSeq = new JsonObject(get(node, token, "/api/v1/queues/" + QUEUE + "/snapshot").body()).getLong("seq");
    List<Long> seqs = events.stream().map(ev -> ev.getLong("seq")).toList();
    assertThat(seqs).as("event seq, gap-free from 1").isEqualTo(
        java.util.stream.LongStream.rangeClosed(1, snapshotSeq).boxed().toList());
    Set<String> tickets = new HashSet<>();
    Map<String, Integer> callsPerEntry = new HashMap<>();
    for (JsonObject ev : events) {
      JsonObject entry = ev.getJsonObject("payload").getJsonObject("entry");
      if ("checked_in".equals(ev.getString("type"))) {
        assertThat(tickets.add(entry.getString("ticket"))).as("ticket %s handed out once", entry.getString("ticket"))
            .isTrue();
      } else if ("called".equals(ev.getString("type"))) {
        callsPerEntry.merge(entry.getString("id"), 1, Integer::sum);
      }
    }
    assertThat(tickets).as("the log's check-ins include every acknowledged one").containsAll(checkedIn.values());
    assertThat(callsPerEntry.keySet()).containsAll(called);
    assertThat(callsPerEntry).as("no patient called twice").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
  }

  /** The queue's whole event log, page by page. */
  private List<JsonObject> events(Node node, String token) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      HttpResponse<String> r = get(node, token, "/api/v1/queues/" + QUEUE + "/events?limit=500&after=" + after);
      assertThat(r.statusCode()).as("events: %s", r.body()).isEqualTo(200);
      JsonArray page = new JsonArray(r.body());
      if (page.isEmpty()) return all;
      for (int i = 0; i < page.size(); i++) all.add(page.getJsonObject(i));
      after = all.get(all.size() - 1).getLong("seq");
    }
  }

  private String firstAdminToken(Node node, Path dataDir) throws Exception {
    String code = Files.readString(dataDir.resolve(WaitlineServer.SETUP_CODE_FILE)).trim();
    HttpResponse<String> setup = post(node, null, "/api/v1/setup", new JsonObject().put("code", code)
        .put("username", FirstAdmin.USERNAME).put("displayName", "First Admin").put("password", FirstAdmin.PASSWORD));
    assertThat(setup.statusCode()).as("setup: %s", setup.body()).isEqualTo(201);
    HttpResponse<String> token = post(node, null, "/api/v1/auth/tokens",
        new JsonObject().put("username", FirstAdmin.USERNAME).put("password", FirstAdmin.PASSWORD));
    assertThat(token.statusCode()).as("token: %s", token.body()).isEqualTo(201);
    return new JsonObject(token.body()).getString("token");
  }

  private HttpResponse<String> post(Node node, String token, String path, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return node.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(Node node, String token, String path) throws IOException, InterruptedException {
    return node.http().send(HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A node in a child JVM, as {@code java -jar waitline.jar} runs it, its log in a file. */
  private record Node(Process process, Path dataDir, int port, Path log, HttpClient http) {
    static Node start(Path dataDir, int port, Path log) throws Exception {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          "-DWAITLINE_DATA_DIR=" + dataDir, "-DWAITLINE_HTTP_HOST=127.0.0.1", "-DWAITLINE_HTTP_PORT=" + port,
          Main.class.getName())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      // a client of its own: connections kept alive to a killed node are dead
      Node node = new Node(p, dataDir, port, log, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build());
      node.awaitReady();
      return node;
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
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
}
