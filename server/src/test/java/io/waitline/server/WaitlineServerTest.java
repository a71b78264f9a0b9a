package io.waitline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on the embedded default: a real PostgreSQL in the data dir, over real HTTP. */
class WaitlineServerTest {
  @TempDir Path dataDir;
  /** The first admin's API token, once a test has created it. */
  private String token;

  private WaitlineServer start(Map<String, String> extra) throws Exception {
    var env = new java.util.HashMap<>(Map.of("WAITLINE_HTTP_PORT", "0", "WAITLINE_DATA_DIR", dataDir.toString(),
        "WAITLINE_HTTP_HOST", "127.0.0.1"));
    env.putAll(extra);
    return new WaitlineServer(Config.load(env)).start();
  }

  private HttpResponse<Buffer> post(WaitlineServer s, String path, JsonObject body) throws Exception {
    if (token == null) token = FirstAdmin.token(s, dataDir);
    WebClient client = WebClient.create(s.vertx());
    return client.post(s.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body).await();
  }

  private HttpResponse<Buffer> get(WaitlineServer s, String path) throws Exception {
    if (token == null) token = FirstAdmin.token(s, dataDir);
    return WebClient.create(s.vertx()).get(s.port(), "127.0.0.1", path)
        .putHeader("Authorization", "Bearer " + token).send().await();
  }

  @Test
  void restartOnTheSameDataDirectoryKeepsQueuesEntriesAndTicketNumbering() throws Exception {
    WaitlineServer first = start(Map.of());
    JsonObject patient = new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee"));
    assertThat(post(first, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
    assertThat(post(first, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
    var called = post(first, "/api/v1/queues/general/call-next", new JsonObject().put("calledTo", "Room 3"));
    assertThat(called.bodyAsJsonObject().getString("ticket")).isEqualTo("A-001");
    JsonObject before = get(first, "/api/v1/queues/general/snapshot").bodyAsJsonObject();
    first.stop();

    WaitlineServer second = start(Map.of());
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
  void everyAcknowledgedCheckInSurvivesItsPostgresqlBeingKilled() throws Exception {
    WaitlineServer s = start(Map.of());
    JsonObject patient = new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee"));
    try {
      assertThat(post(s, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
      assertThat(post(s, "/api/v1/queues/general/check-ins", patient).statusCode()).isEqualTo(201);
      // the postmaster and every backend die at once, as in a crash: nothing is flushed or shut down
      long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
      ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
      java.util.List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.descendants().toList());
      all.add(postmaster);
      all.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : all) p.onExit().get(10, TimeUnit.SECONDS);
    } finally {
      try {
        s.stop();
      } catch (Exception databaseAlreadyGone) {
        // stopping a PostgreSQL that was killed fails; the node itself is down either way
      }
    }

    WaitlineServer again = start(Map.of());
    try {
      JsonObject after = get(again, "/api/v1/queues/general/snapshot").bodyAsJsonObject();
      assertThat(statuses(after)).containsExactlyInAnyOrder("A-001:waiting", "A-002:waiting");
      assertThat(post(again, "/api/v1/queues/general/check-ins", patient).bodyAsJsonObject().getString("ticket"))
          .isEqualTo("A-003");
    } finally {
      again.stop();
    }
  }

  @Test
  void firstStartWritesAPrivateSetupCodeAndSaysWhereToUseIt() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(WaitlineServer.class);
    log.start();
    logger.addAppender(log);
    WaitlineServer first;
    try {
      first = start(Map.of("WAITLINE_PUBLIC_URL", "https://queue.clinic.example"));
    } finally {
      logger.detachAppender(log);
    }
    Path codeFile = dataDir.resolve(WaitlineServer.SETUP_CODE_FILE);
    try {
      String code = Files.readString(codeFile).trim();
      assertThat(code).hasSizeGreaterThanOrEqualTo(16);
      assertThat(Files.getPosixFilePermissions(codeFile))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(m -> assertThat(m).contains("https://queue.clinic.example/setup").contains(code));
      var client = WebClient.create(first.vertx());
      assertThat(client.get(first.port(), "127.0.0.1", "/api/v1/sites").send().await().statusCode()).isEqualTo(401);
      assertThat(FirstAdmin.setUp(first, client, "WRONG-CODE-0000").statusCode()).isEqualTo(403);

      assertThat(FirstAdmin.setUp(first, client, code).statusCode()).isEqualTo(201);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (Files.exists(codeFile) && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(codeFile).as("the used code's file").doesNotExist();
      assertThat(FirstAdmin.setUp(first, client, code).statusCode()).isEqualTo(409);
    } finally {
      first.stop();
    }
  }

  @Test
  void withAnAdminARestartWritesNoSetupCodeAndTheAdminsTokenStillWorks() throws Exception {
    WaitlineServer first = start(Map.of());
    String admin = FirstAdmin.token(first, dataDir);
    first.stop();

    WaitlineServer second = start(Map.of());
    try {
      assertThat(dataDir.resolve(WaitlineServer.SETUP_CODE_FILE)).doesNotExist();
      var sites = WebClient.create(second.vertx()).get(second.port(), "127.0.0.1", "/api/v1/sites")
          .putHeader("Authorization", "Bearer " + admin).send().await();
      assertThat(sites.statusCode()).isEqualTo(200);
      assertThat(sites.bodyAsJsonArray().getJsonObject(0).getString("id")).isEqualTo("main");
      var session = WebClient.create(second.vertx()).get(second.port(), "127.0.0.1", "/api/v1/auth/session")
          .send().await().bodyAsJsonObject();
      assertThat(session.getBoolean("setupNeeded")).isFalse();
    } finally {
      second.stop();
    }
  }

  @Test
  void withTlsConfiguredItServesHttpsWithStrictTransportSecurity() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    WaitlineServer s = start(Map.of("WAITLINE_TLS_CERT", cert.certificatePath(),
        "WAITLINE_TLS_KEY", cert.privateKeyPath()));
    try {
      WebClient https = WebClient.create(s.vertx(), new WebClientOptions().setSsl(true).setTrustAll(true)
          .setVerifyHost(false));
      HttpResponse<Buffer> r = https.get(s.port(), "127.0.0.1", "/health/live").send().await();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Strict-Transport-Security")).startsWith("max-age=");
      // the session cookie is Secure over TLS
      HttpResponse<Buffer> setup = https.post(s.port(), "127.0.0.1", "/api/v1/setup").sendJsonObject(new JsonObject()
          .put("code", Files.readString(dataDir.resolve(WaitlineServer.SETUP_CODE_FILE)).trim())
          .put("username", "admin").put("displayName", "Admin").put("password", FirstAdmin.PASSWORD)).await();
      assertThat(setup.statusCode()).isEqualTo(201);
      assertThat(setup.cookies()).singleElement().asString().contains("Secure").containsIgnoringCase("HttpOnly");

      // plain HTTP on the TLS port gets no answer
      var plain = WebClient.create(s.vertx()).get(s.port(), "127.0.0.1", "/health/live").timeout(3_000).send();
      assertThat(plain.toCompletionStage().toCompletableFuture().handle((ok, err) -> ok == null
          || ok.statusCode() >= 400).get(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      s.stop();
    }
  }

  @Test
  void withAnMllpPortAndTlsTheNodeAnswersHl7OverMllpsWithItsCertificate() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    int mllpPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      mllpPort = free.getLocalPort();
    }
    WaitlineServer s = start(Map.of("WAITLINE_TLS_CERT", cert.certificatePath(),
        "WAITLINE_TLS_KEY", cert.privateKeyPath(), "WAITLINE_MLLP_PORT", String.valueOf(mllpPort)));
    try {
      var socket = s.vertx().createNetClient(new io.vertx.core.net.NetClientOptions().setSsl(true).setTrustAll(true)
          .setHostnameVerificationAlgorithm("")).connect(mllpPort, "127.0.0.1").await();
      var answer = io.vertx.core.Promise.<String>promise();
      Buffer received = Buffer.buffer();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        if (received.length() > 1 && received.getByte(received.length() - 2) == 0x1C) {
          answer.tryComplete(received.toString());
        }
      });
      // no source takes this sender: the message is refused, in words, over TLS
      socket.write(Buffer.buffer().appendByte((byte) 0x0B).appendString("MSH|^~\\&|PMS|NOBODY|W|C|20261120080000||"
          + "SIU^S12|c1|P|2.5.1\rSCH|A1|A1\r").appendByte((byte) 0x1C).appendByte((byte) 0x0D));

      // the listener opened only once HAPI was warm, so this first message is answered like any other
      String ack = answer.future().await(30, TimeUnit.SECONDS);
      assertThat(ack).contains("MSA|AR|c1").contains("No HL7 v2 source takes messages from sending facility 'NOBODY'");
    } finally {
      s.stop();
    }
  }

  @Test
  void plainHttpSendsNoStrictTransportSecurity() throws Exception {
    WaitlineServer s = start(Map.of());
    try {
      HttpResponse<Buffer> r = WebClient.create(s.vertx()).get(s.port(), "127.0.0.1", "/health/live").send().await();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Strict-Transport-Security")).isNull();
    } finally {
      s.stop();
    }
  }

  @Test
  void byDefaultANodeOnLinuxServesHttpAndFeedsOverNettysEpollTransportAndSaysSo() throws Exception {
    assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
        "the server's jar carries epoll for Linux x86-64 only");
    ListAppender<ILoggingEvent> log = startLogging();
    WaitlineServer s = start(Map.of());
    try {
      assertThat(s.vertx().isNativeTransportEnabled()).isTrue();
      assertThat(messages(log)).contains("Network transport: epoll (native)");
      assertFeedFollowsACall(s);
    } finally {
      s.stop();
    }
  }

  @Test
  void withTheNativeTransportTurnedOffANodeRunsOnNioAndSaysWhy() throws Exception {
    ListAppender<ILoggingEvent> log = startLogging();
    WaitlineServer s = start(Map.of("WAITLINE_NATIVE_TRANSPORT", "false"));
    try {
      assertThat(s.vertx().isNativeTransportEnabled()).isFalse();
      assertThat(messages(log)).contains("Network transport: nio (WAITLINE_NATIVE_TRANSPORT=false)");
      assertFeedFollowsACall(s);
    } finally {
      s.stop();
    }
  }

  /** A staff feed gets its snapshot, then the check-in and the call made over HTTP (frames shared between feeds). */
  private void assertFeedFollowsACall(WaitlineServer s) throws Exception {
    token = FirstAdmin.token(s, dataDir);
    try (StaffFeed feed = StaffFeed.open(s, token)) {
      assertThat(feed.next(10_000).getString("type")).isEqualTo("snapshot");
      assertThat(post(s, "/api/v1/queues/general/check-ins",
          new JsonObject().put("patient", new JsonObject().put("name", "Ann Lee"))).statusCode()).isEqualTo(201);
      assertThat(feed.next(10_000).getString("event")).isEqualTo("checked_in");
      assertThat(post(s, "/api/v1/queues/general/call-next", new JsonObject().put("calledTo", "Room 3"))
          .statusCode()).isEqualTo(200);
      assertThat(feed.next(10_000).getString("event")).isEqualTo("called");
    }
  }

  /** Records what the launcher logs from now until the test's end. */
  private static ListAppender<ILoggingEvent> startLogging() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(WaitlineServer.class)).addAppender(log);
    return log;
  }

  private static java.util.List<String> messages(ListAppender<ILoggingEvent> log) {
    ((Logger) LoggerFactory.getLogger(WaitlineServer.class)).detachAppender(log);
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void healthAndMetricsAnswerOnTheEmbeddedDefault() throws Exception {
    WaitlineServer s = start(Map.of());
    try {
      var client = WebClient.create(s.vertx());
      assertThat(client.get(s.port(), "127.0.0.1", "/health/ready").send().await().bodyAsJsonObject()
          .getString("status")).isEqualTo("UP");
      String metrics = client.get(s.port(), "127.0.0.1", "/metrics").send().await().bodyAsString();
      assertThat(metrics).contains("# TYPE").contains("vertx_http_server")
          .contains("jvm_memory_used_bytes{area=\"heap\"").contains("jvm_gc_max_data_size_bytes")
          .contains("process_uptime_seconds");
    } finally {
      s.stop();
    }
  }

  @Test
  void withDatabaseUrlItUsesThatPostgresqlAndStartsNoEmbeddedOne() throws Exception {
    var pg = io.waitline.queue.store.TestDatabase.freshDatabase();
    String url = "postgresql://" + pg.getUser() + ":" + pg.getPassword() + "@localhost:" + pg.getPort() + "/"
        + pg.getDatabase();
    WaitlineServer s = start(Map.of("DATABASE_URL", url));
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
