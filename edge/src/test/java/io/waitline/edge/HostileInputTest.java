package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.PASSWORD;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.access.Role;
import io.waitline.access.StaffAccount;
import io.vertx.sqlclient.Tuple;
import io.waitline.edge.pipeline.Problems;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Requests a careless or hostile client sends — a broken Host, broken chunked framing or request heads, undecodable
 * text, multipart bodies, huge numbers of fields, characters PostgreSQL refuses — are answered with a clean 4xx
 * problem+json, never a 500 (an HTTP version other than 1.x gets HTTP's own 505); anonymous callers are refused before
 * their body is examined, and a sign-in that cannot be written to the audit log hands out nothing.
 */
class HostileInputTest {
  private static final String CHECK_INS = "/api/v1/queues/" + GENERAL + "/check-ins";

  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static RawHttp.Answer raw(String request) {
    return RawHttp.send(app.port(), request);
  }

  private static void assertCleanRefusal(RawHttp.Answer answer, int... allowed) {
    assertThat(answer.status()).as("answer to a broken request:\n%s", answer.text()).isIn(
        java.util.Arrays.stream(allowed).boxed().toArray());
  }

  // --- the HTTP layer

  @Test
  void aMalformedHostHeaderIsA400EvenOnHealthChecks() {
    for (String host : List.of("localhost:99999", "[::1", "a:b:c")) {
      for (String path : List.of("/health/ready", "/health/live", "/api/v1/sites/" + SITE)) {
        RawHttp.Answer answer = raw("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertCleanRefusal(answer, 400);
        assertThat(answer.body()).as("%s with Host %s", path, host).contains("Host");
      }
    }
  }

  @Test
  void aBrokenChunkedBodyIsA400ProblemAndNothingIsWritten() {
    String name = "Chunky " + java.util.UUID.randomUUID();
    String json = "{\"patient\": {\"name\": \"" + name + "\"}}";
    String head = "POST " + CHECK_INS + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + app.adminToken()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n";
    Map<String, String> brokenChunks = Map.of(
        "a size that is not hexadecimal", "zz\r\nabc\r\n0\r\n\r\n",
        "a size that overflows", "FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n",
        "a 5 KB chunk extension", "3;" + "x".repeat(5000) + "\r\nabc\r\n0\r\n\r\n");
    brokenChunks.forEach((what, chunk) -> {
      RawHttp.Answer answer = raw(head + chunk);
      assertCleanRefusal(answer, 400);
      assertThat(answer.text()).as(what).containsIgnoringCase("Connection: close");
      JsonObject p = new JsonObject(answer.body());
      assertThat(p.getString("type")).as(what).endsWith("/broken-chunked-body");
      assertThat(p.getString("detail")).as(what).contains("chunked encoding is broken");
    });
    assertThat(count("SELECT count(*) FROM entry WHERE patient_name = $1", name)).as("check-ins written").isZero();
    assertThat(app.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownHttpVersionIsA505ProblemNamingIt() {
    for (String version : List.of("HTTP/2.0", "HTTP/9.9")) {
      RawHttp.Answer answer = raw("GET /health/live " + version + "\r\nHost: localhost\r\n\r\n");
      assertCleanRefusal(answer, 505);
      assertThat(answer.text()).as(version).startsWith("HTTP/1.1 505").containsIgnoringCase("Connection: close");
      JsonObject p = new JsonObject(answer.body());
      assertThat(p.getString("detail")).as(version).contains("HTTP/1.1").contains(version);
    }
  }

  @Test
  void anUndecodableRequestHeadIsAProblemWithTheRightStatus() {
    assertCleanRefusal(raw("GET /health/live HTTP/1.1 extra\r\nHost: localhost\r\n\r\n"), 400);
    RawHttp.Answer longLine = raw("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertCleanRefusal(longLine, 414);
    assertThat(new JsonObject(longLine.body()).getString("detail")).contains("4096 bytes");
    RawHttp.Answer bigHeaders = raw("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(9000)
        + "\r\n\r\n");
    assertCleanRefusal(bigHeaders, 431);
    assertThat(bigHeaders.text()).containsIgnoringCase("Content-Type: application/problem+json");
  }

  @Test
  void aClientThatHangsUpHalfwayThroughItsBodyIsNoErrorInTheLog() throws Exception {
    List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
    AppenderBase<ILoggingEvent> log = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        logged.add(event);
      }
    };
    Logger problems = (Logger) LoggerFactory.getLogger(Problems.class);
    Level level = problems.getLevel();
    log.start();
    problems.addAppender(log);
    problems.setLevel(Level.DEBUG);
    try (Socket socket = new Socket("localhost", app.port())) {
      socket.getOutputStream().write(("POST " + CHECK_INS + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + app.adminToken() + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"patient\":")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
    }
    try {
      // the debug line is the marker that the hang-up was handled
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (logged.stream().noneMatch(e -> e.getFormattedMessage().contains("closed the connection"))
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(logged).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.contains("closed the connection before sending the whole request"));
      assertThat(logged).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).isEmpty();
    } finally {
      problems.setLevel(level);
      problems.detachAppender(log);
    }
  }

  // --- undecodable text

  @Test
  void anUndecodableQueryParameterIsA400Problem() {
    HttpResponse<Buffer> r = app.get("/api/v1/audit?action=%zz");
    assertThat(problem(r, 400).getString("detail")).contains("percent");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void anUndecodableFormBodyIsRefusedWithA4xxProblem() {
    HttpResponse<Buffer> r = app.staff(HttpMethod.POST, CHECK_INS)
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=%zz")).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(400, 499);
    problem(r, r.statusCode());
    HttpResponse<Buffer> anonymous = app.anonymous(HttpMethod.POST, "/api/v1/auth/session")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=%zz")).await();
    problem(anonymous, anonymous.statusCode());
    assertThat(anonymous.statusCode()).isBetween(400, 499);
  }

  @Test
  void aMultipartBodyOrAFormBodyOnAGetIsA415ProblemEvenOnHealthChecks() {
    String multipart = "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n";
    List<String> types =
        List.of("multipart/form-data; boundary=x", "multipart/form-data; boundary=", "Multipart/Form-Data");
    for (String type : types) {
      for (String target : List.of("POST " + CHECK_INS, "GET /health/ready", "GET /api/v1/sites/" + SITE)) {
        RawHttp.Answer answer = raw(target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + app.adminToken() + "\r\nContent-Type: " + type + "\r\nContent-Length: " + multipart.length()
            + "\r\nConnection: close\r\n\r\n" + multipart);
        assertCleanRefusal(answer, 415);
        assertThat(new JsonObject(answer.body()).getString("detail")).as("%s %s", target, type)
            .contains("application/json");
      }
    }
    HttpResponse<Buffer> form = app.staff(HttpMethod.GET, "/api/v1/sites/" + SITE)
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=b")).await();
    assertThat(problem(form, 415).getString("detail")).contains("GET");
  }

  // --- e-mail fields

  @Test
  void anEmptyEmailIsRefusedAs400NamingTheField() {
    JsonObject p = problem(app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\", \"email\": \"\"}}"), 400);
    assertThat(p.getString("detail")).contains("patient.email");
  }

  @Test
  void anAnonymousCallerIsRefused401BeforeItsBodyIsExamined() {
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.POST, CHECK_INS).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"patient\": {\"name\": 42, \"email\": \"\"}}")).await();
    problem(r, 401);
  }

  // --- bounded work per request

  @Test
  void aBodyWithThousandsOfFieldsIsRefusedWithoutValidatingThem() {
    StringBuilder body = new StringBuilder("{\"username\": \"a\", \"password\": \"b\"");
    for (int i = 0; i < 5000; i++) body.append(", \"k").append(i).append("\": 1");
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.POST, "/api/v1/auth/session")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.append('}').toString())).await();
    JsonObject p = problem(r, 400);
    assertThat(p.getString("type")).endsWith("/too-many-fields");
    assertThat(p.getString("detail")).contains("1000");
  }

  @Test
  void aDeeplyNestedBodyIsRefused() {
    String body = "{\"patient\": " + "[".repeat(200) + "]".repeat(200) + "}";
    assertThat(problem(app.post(CHECK_INS, body), 400).getString("type")).endsWith("/too-many-fields");
  }

  // --- characters PostgreSQL refuses, and the audit log

  @Test
  void aSignInWithANulInTheUsernameIsRefusedAndWrittenDown() {
    StaffAccount admin = app.account(null, Role.ADMIN);
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.POST, "/api/v1/auth/tokens").sendJsonObject(new JsonObject()
        .put("username", admin.username() + "\u0000").put("password", PASSWORD)).await();
    assertThat(problem(r, 400).getString("detail")).contains("\\u0000");
    assertThat(r.bodyAsString()).doesNotContain("wls_");
    // the refusal itself is in the audit log, the NUL made visible (written as the answer goes out, so read up to a
    // later marker)
    app.settledAuditId();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'createApiToken' AND outcome = 400"
        + " AND detail->>'username' = $1", admin.username() + "\uFFFD")).isEqualTo(1);
  }

  @Test
  void aTokenWhoseSignInCannotBeWrittenDownIsNotHandedOut() {
    StaffAccount admin = app.account(null, Role.ADMIN);
    app.pool.query("CREATE FUNCTION refuse_token_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.action = 'createApiToken' THEN RAISE EXCEPTION 'audit log unavailable'; END IF; RETURN NEW; END; $$")
        .execute().await();
    app.pool.query("CREATE TRIGGER refuse_token_audit BEFORE INSERT ON audit_log FOR EACH ROW"
        + " EXECUTE FUNCTION refuse_token_audit()").execute().await();
    try {
      HttpResponse<Buffer> r = app.anonymous(HttpMethod.POST, "/api/v1/auth/tokens").sendJsonObject(new JsonObject()
          .put("username", admin.username()).put("password", PASSWORD)).await();
      problem(r, 503);
      assertThat(r.bodyAsString()).doesNotContain("wls_");
      assertThat(count("SELECT count(*) FROM staff_session WHERE account_id = $1::uuid AND revoked_at IS NULL",
          admin.id().toString()))
          .as("sessions left open for the account").isZero();
    } finally {
      app.pool.query("DROP TRIGGER refuse_token_audit ON audit_log").execute().await();
      app.pool.query("DROP FUNCTION refuse_token_audit()").execute().await();
    }
  }

  @Test
  void aPairingThatCannotBeWrittenDownHandsOutNoDeviceToken() {
    String name = "Unaudited TV " + java.util.UUID.randomUUID();
    String code = app.access.devices().startPairing(SITE, io.waitline.access.DeviceKind.DISPLAY, name, "test").await()
        .code();
    app.pool.query("CREATE FUNCTION refuse_pair_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.action = 'pairDevice' THEN RAISE EXCEPTION 'audit log unavailable'; END IF; RETURN NEW; END; $$")
        .execute().await();
    app.pool.query("CREATE TRIGGER refuse_pair_audit BEFORE INSERT ON audit_log FOR EACH ROW"
        + " EXECUTE FUNCTION refuse_pair_audit()").execute().await();
    try {
      HttpResponse<Buffer> r = app.anonymous(HttpMethod.POST, "/api/v1/devices/pair")
          .sendJsonObject(new JsonObject().put("code", code)).await();
      problem(r, 503);
      assertThat(r.bodyAsString()).doesNotContain("wld_");
      assertThat(count("SELECT count(*) FROM device WHERE name = $1 AND revoked_at IS NULL", name))
          .as("devices left usable").isZero();
    } finally {
      app.pool.query("DROP TRIGGER refuse_pair_audit ON audit_log").execute().await();
      app.pool.query("DROP FUNCTION refuse_pair_audit()").execute().await();
    }
  }

  private static long count(String sql, String arg) {
    return app.pool.preparedQuery(sql).execute(Tuple.of(arg)).await().iterator().next().getLong(0);
  }

  @Test
  void aNulInAPathParameterIsA400() {
    problem(app.post("/api/v1/queues/gen%00eral/check-ins", "{\"patient\": {\"name\": \"Ann\"}}"), 400);
    problem(app.get("/api/v1/sites/cl%00inic"), 400);
    problem(app.get("/api/v1/audit?actorId=a%00b"), 400);
  }
}
