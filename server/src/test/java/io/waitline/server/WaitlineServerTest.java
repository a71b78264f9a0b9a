package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on the embedded default: a real PostgreSQL in the data dir, over real HTTP. */
class WaitlineServerTest {
  private static final String TOKEN = "test-token-0123456789abcdef";

  @TempDir Path dataDir;

  private WaitlineServer start(Map<String, String> extra) throws Exception {
    var env = new java.util.HashMap<>(Map.of("WAITLINE_HTTP_PORT", "0", "WAITLINE_DATA_DIR", dataDir.toString(),
        "WAITLINE_HTTP_HOST", "127.0.0.1"));
    env.putAll(extra);
    return new WaitlineServer(Config.load(env)).start();
  }

  private static HttpResponse<Buffer> post(WaitlineServer s, String path, JsonObject body) {
    WebClient client = WebClient.create(s.vertx());
    return client.post(s.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + TOKEN)
        .sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> get(WaitlineServer s, String path) {
    return WebClient.create(s.vertx()).get(s.port(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + TOKEN).send().await();
  }

  @Test
  void restartOnTheSameDataDirectoryKeepsQueuesEntriesAndTicketNumbering() throws Exception {
    WaitlineServer first = start(Map.of("WAITLINE_ADMIN_TOKEN", TOKEN));
    JsonObject patient = new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee"));
    assertThat(post(first, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
    assertThat(post(first, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
    var called = post(first, "/api/v1/queues/general/call-next", new JsonObject().put("calledTo", "Room 3"));
    assertThat(called.bodyAsJsonObject().getString("ticket")).isEqualTo("A-001");
    JsonObject before = get(first, "/api/v1/queues/general/snapshot").bodyAsJsonObject();
    first.stop();

    WaitlineServer second = start(Map.of("WAITLINE_ADMIN_TOKEN", TOKEN));
    try {
      JsonObject after = get(second, "/api/v1/queues/general/snapshot").bodyAsJsonObject();
      assertThat(after.getLong("seq")).isEqualTo(before.getLong("seq")).isEqualTo(3L);
      assertThat(statuses(after)).isEqualTo(statuses(before)).containsExactlyInAnyOrder("A-001:called", "A-002:waiting");
      var third = post(second, "/api/v1/queues/general/check-ins", patient).bodyAsJsonObject();
      assertThat(third.getString("ticket")).isEqualTo("A-003");
    } finally {
      second.stop();
    }
  }

  @Test
  void embeddedPostgresqlIsDurable() throws Exception {
    WaitlineServer s = start(Map.of("WAITLINE_ADMIN_TOKEN", TOKEN));
    try {
      assertThat(s.embeddedDatabase().setting("fsync")).isEqualTo("on");
      assertThat(s.embeddedDatabase().setting("synchronous_commit")).isEqualTo("on");
    } finally {
      s.stop();
    }
  }

  @Test
  void firstStartGeneratesAPrivateStaffTokenAndReusesItAfterRestart() throws Exception {
    WaitlineServer first = start(Map.of());
    Path tokenFile = dataDir.resolve(AdminToken.FILE);
    String token = Files.readString(tokenFile).trim();
    first.stop();
    assertThat(token).hasSizeGreaterThanOrEqualTo(40);
    assertThat(Files.getPosixFilePermissions(tokenFile).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

    WaitlineServer second = start(Map.of());
    try {
      var client = WebClient.create(second.vertx());
      var withToken = client.get(second.port(), "127.0.0.1", "/api/v1/sites")
          .putHeader("Authorization", "Bearer " + token).send().await();
      var without = client.get(second.port(), "127.0.0.1", "/api/v1/sites").send().await();
      assertThat(withToken.statusCode()).isEqualTo(200);
      assertThat(withToken.bodyAsJsonArray().getJsonObject(0).getString("id")).isEqualTo("main");
      assertThat(without.statusCode()).isEqualTo(401);
      assertThat(without.getHeader("Content-Type")).isEqualTo("application/problem+json");
    } finally {
      second.stop();
    }
  }

  @Test
  void healthAndMetricsAnswerOnTheEmbeddedDefault() throws Exception {
    WaitlineServer s = start(Map.of("WAITLINE_ADMIN_TOKEN", TOKEN));
    try {
      var client = WebClient.create(s.vertx());
      assertThat(client.get(s.port(), "127.0.0.1", "/health/ready").send().await().bodyAsJsonObject()
          .getString("status")).isEqualTo("UP");
      String metrics = client.get(s.port(), "127.0.0.1", "/metrics").send().await().bodyAsString();
      assertThat(metrics).contains("# TYPE").contains("vertx_http_server");
    } finally {
      s.stop();
    }
  }

  @Test
  void withDatabaseUrlItUsesThatPostgresqlAndStartsNoEmbeddedOne() throws Exception {
    var pg = io.waitline.queue.store.TestDatabase.freshDatabase();
    String url = "postgresql://" + pg.getUser() + ":" + pg.getPassword() + "@localhost:" + pg.getPort() + "/"
        + pg.getDatabase();
    WaitlineServer s = start(Map.of("WAITLINE_ADMIN_TOKEN", TOKEN, "DATABASE_URL", url));
    try {
      var checkIn = post(s, "/api/v1/queues/general/check-ins",
          new JsonObject().put("patient", new JsonObject().put("name", "Bo Chen")));
      assertThat(checkIn.statusCode()).isEqualTo(201);
      assertThat(Files.exists(dataDir.resolve("pg"))).as("no embedded data directory").isFalse();
      // the row is in the external database, read back over a separate connection
      var pool = io.waitline.queue.store.TestDatabase.pool(s.vertx(), pg, 1);
      long rows = pool.query("SELECT count(*) FROM entry").execute().await().iterator().next().getLong(0);
      assertThat(rows).isEqualTo(1);
    } finally {
      s.stop();
    }
  }

  private static java.util.List<String> statuses(JsonObject snapshot) {
    JsonArray entries = snapshot.getJsonArray("entries");
    return entries.stream().map(o -> (JsonObject) o)
        .map(e -> e.getString("ticket") + ":" + e.getString("status")).toList();
  }
}
