package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.waitline.access.PasswordHasher;
import io.waitline.access.DeviceKind;
import io.waitline.notify.NotificationsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guessing is slowed per client address (and a kiosk per device): past the minute's budget the server answers 429
 * with Retry-After, and other addresses and devices carry on. Each test uses loopback addresses of its own.
 */
class RateLimitTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  @Test
  void theEleventhSignInWithinAMinuteIsToldToWaitWhileOtherAddressesCarryOn() {
    WebClient guesser = LoopbackClients.from(app, 21);
    WebClient colleague = LoopbackClients.from(app, 22);
    JsonObject wrong = new JsonObject().put("username", "nobody-here").put("password", "not the password");
    try {
      // a new username each time, so the per-username lockout (after 5) does not answer before the rate limit
      for (int i = 1; i <= 10; i++) {
        HttpResponse<Buffer> r = guesser.post("/api/v1/auth/session")
            .sendJsonObject(wrong.copy().put("username", "nobody-here-" + i)).await();
        assertThat(r.statusCode()).as("attempt %d: %s", i, r.bodyAsString()).isEqualTo(401);
      }

      HttpResponse<Buffer> eleventh = guesser.post("/api/v1/auth/session").sendJsonObject(wrong).await();
      JsonObject refused = problem(eleventh, 429);
      int retryAfter = Integer.parseInt(eleventh.getHeader("Retry-After"));
      assertThat(retryAfter).isBetween(1, 60);
      assertThat(refused.getString("detail")).contains("wait " + retryAfter + " second");
      // an API token checks the same passwords, so it shares the budget
      problem(guesser.post("/api/v1/auth/tokens").sendJsonObject(wrong).await(), 429);

      String user = app.account(SITE, io.waitline.access.Role.FRONT_DESK).username();
      HttpResponse<Buffer> other = colleague.post("/api/v1/auth/session")
          .sendJsonObject(new JsonObject().put("username", user).put("password", TestApp.PASSWORD)).await();
      assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(200);
    } finally {
      guesser.close();
      colleague.close();
    }
  }

  @Test
  void pairingCodesCannotBeGuessedFasterThanTenAMinute() {
    WebClient guesser = LoopbackClients.from(app, 23);
    try {
      for (int i = 1; i <= 10; i++) {
        HttpResponse<Buffer> r = guesser.post("/api/v1/devices/pair")
            .sendJsonObject(new JsonObject().put("code", "ABCD-EF" + (10 + i))).await();
        assertThat(r.statusCode()).as("guess %d", i).isEqualTo(404);
      }
      HttpResponse<Buffer> r = guesser.post("/api/v1/devices/pair")
          .sendJsonObject(new JsonObject().put("code", "ABCD-EF99")).await();
      problem(r, 429);
      assertThat(r.getHeader("Retry-After")).isNotBlank();
    } finally {
      guesser.close();
    }
  }

  @Test
  void aPatientLinkAnswersSixtyTimesAMinutePerAddress() {
    String token = app.visitToken(app.checkIn(GENERAL, "Rosalind Ratewell"));
    WebClient phone = LoopbackClients.from(app, 24);
    WebClient otherPhone = LoopbackClients.from(app, 25);
    try {
      // the visit endpoints share one budget: alternating two of them still stops after about sixty
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      int served = servedBeforeRefusal(60, () -> phone.get("/api/v1/visits/" + token
          + (n.incrementAndGet() % 2 == 0 ? "/notification-preferences" : "")).send().await());
      assertThat(served).isGreaterThanOrEqualTo(60);
      assertThat(otherPhone.get("/api/v1/visits/" + token).send().await().statusCode()).isEqualTo(200);
    } finally {
      phone.close();
      otherPhone.close();
    }
  }

  @Test
  void aKioskChecksInThirtyTimesAMinuteAndAnotherKioskIsNotHeldUp() {
    String busy = app.deviceToken(SITE, DeviceKind.KIOSK);
    String quiet = app.deviceToken(SITE, DeviceKind.KIOSK);
    JsonObject nobody = new JsonObject().put("name", "Nobody Expected").put("birthDate", "1970-01-01");
    int served = servedBeforeRefusal(30, () -> kioskCheckIn(busy, nobody));
    assertThat(served).isGreaterThanOrEqualTo(30);
    HttpResponse<Buffer> refused = kioskCheckIn(busy, nobody);
    JsonObject problem = problem(refused, 429);
    assertThat(problem.getString("detail")).contains("this device");
    assertThat(refused.getHeader("Retry-After")).isNotBlank();

    assertThat(kioskCheckIn(quiet, nobody).statusCode()).isEqualTo(404);
  }

  @Test
  void operationsWithoutALimitAreNotCounted() {
    WebClient client = LoopbackClients.from(app, 26);
    try {
      for (int i = 0; i < 80; i++) {
        assertThat(client.get("/api/v1/queues/" + GENERAL).send().await().statusCode()).isEqualTo(200);
      }
    } finally {
      client.close();
    }
  }

  @Test
  void twoNodesOnOneDatabaseShareOneSignInBudgetAndARestartDoesNotRefillIt() {
    JsonObject wrong = new JsonObject().put("username", "nobody-here").put("password", "not the password");
    Vertx otherVertx = Vertx.vertx();
    WaitlineNode other = otherNode(otherVertx);
    WebClient here = LoopbackClients.from(app, 27);
    WebClient there = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(other.port()).setLocalAddress("127.0.0.27"));
    try {
      // alternating nodes: one budget of ten (two budgets would serve twenty)
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      int served = servedBeforeRefusal(10, () -> (n.incrementAndGet() % 2 == 0 ? here : there)
          .post("/api/v1/auth/session").sendJsonObject(wrong).await());
      assertThat(served).isGreaterThanOrEqualTo(10);
      long refused = System.nanoTime();

      other.stop().await();
      other = otherNode(otherVertx);
      WebClient restarted = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(other.port()).setLocalAddress("127.0.0.27"));
      // the restarted node serves only what refilled since the refusal (a second each 6 s), not a new budget
      int servedAfterRestart = 0;
      while (restarted.post("/api/v1/auth/session").sendJsonObject(wrong).await().statusCode() == 401) {
        servedAfterRestart++;
        assertThat(servedAfterRestart).as("served after the restart").isLessThan(10);
      }
      double seconds = (System.nanoTime() - refused) / 1e9;
      assertThat(servedAfterRestart).as("served after the restart, %.1f s after the refusal", seconds)
          .isLessThanOrEqualTo((int) (seconds * 10 / 60) + 1);
      restarted.close();
    } finally {
      here.close();
      there.close();
      other.stop().await();
      otherVertx.close().await();
    }
  }

  /** A second node on the app's database, wired the same way. */
  private static WaitlineNode otherNode(Vertx vertx) {
    return WaitlineNode.start(vertx, new WaitlineNode.Options(app.database, "http://localhost")
        .listen("127.0.0.1", 0).poolSize(2).clocks(app.clock, app.accessClock)
        .passwordHasher(PasswordHasher.forTests()).notifications(NotificationsConfig.load(k -> null, "http://localhost")));
  }

  /**
   * Sends requests until the first 429 and returns how many were served before it. The bucket refills while the test
   * runs ({@code perMinute} a minute), so up to one more per {@code 60 / perMinute} seconds may be served.
   */
  private static int servedBeforeRefusal(int perMinute, java.util.function.Supplier<HttpResponse<Buffer>> call) {
    long start = System.nanoTime();
    int served = 0;
    while (true) {
      HttpResponse<Buffer> r = call.get();
      if (r.statusCode() == 429) break;
      assertThat(r.statusCode()).as("request %d: %s", served + 1, r.bodyAsString()).isLessThan(429);
      served++;
      assertThat(served).as("served without a refusal").isLessThan(perMinute * 3);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(served).as("served in %.1f s", seconds).isLessThanOrEqualTo(perMinute + (int) (seconds * perMinute / 60) + 1);
    return served;
  }

  private static HttpResponse<Buffer> kioskCheckIn(String token, JsonObject body) {
    return app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
  }
}
