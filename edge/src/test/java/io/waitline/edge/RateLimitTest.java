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
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Guessing is slowed per client address (and a kiosk per device): past the minute's budget the server answers 429
 * with Retry-After, and other addresses and devices carry on. Each test uses loopback addresses of its own. The
 * buckets are measured on the access clock, which here stands still until a test moves it, so every count is exact.
 */
class RateLimitTest {
  /** The access services' clock, which the rate limits read: it moves only when a test moves it. */
  private static final TestClock ACCESS_CLOCK = new TestClock(Instant.now());
  @RegisterExtension
  static final TestApp app = TestApp.nodeTuned(options -> options.clocks(RateLimitTest.app.clock, ACCESS_CLOCK));

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
      // ten a minute: the next one is there 6 s after the bucket emptied
      assertThat(eleventh.getHeader("Retry-After")).isEqualTo("6");
      assertThat(refused.getString("detail")).contains("wait 6 second");
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
      int served = servedBeforeRefusal(() -> phone.get("/api/v1/visits/" + token
          + (n.incrementAndGet() % 2 == 0 ? "/notification-preferences" : "")).send().await());
      assertThat(served).isEqualTo(60);
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
    int served = servedBeforeRefusal(() -> kioskCheckIn(busy, nobody));
    assertThat(served).isEqualTo(30);
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
      int served = servedBeforeRefusal(() -> (n.incrementAndGet() % 2 == 0 ? here : there)
          .post("/api/v1/auth/session").sendJsonObject(wrong).await());
      assertThat(served).isEqualTo(10);

      other.stop().await();
      other = otherNode(otherVertx);
      WebClient restarted = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(other.port()).setLocalAddress("127.0.0.27"));
      // the restarted node serves only what refilled since the refusal (one each 6 s), not a new budget
      assertThat(servedBeforeRefusal(() -> restarted.post("/api/v1/auth/session").sendJsonObject(wrong).await()))
          .as("served after the restart, no time later").isZero();
      ACCESS_CLOCK.advance(Duration.ofSeconds(13));
      assertThat(servedBeforeRefusal(() -> restarted.post("/api/v1/auth/session").sendJsonObject(wrong).await()))
          .as("served 13 s after the refusal").isEqualTo(2);
      ACCESS_CLOCK.advance(Duration.ofMinutes(5));
      assertThat(servedBeforeRefusal(() -> restarted.post("/api/v1/auth/session").sendJsonObject(wrong).await()))
          .as("served once the bucket had long refilled: one budget, not more").isEqualTo(10);
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
        .listen("127.0.0.1", 0).poolSize(2).clocks(app.clock, ACCESS_CLOCK)
        .passwordHasher(PasswordHasher.forTests()).notifications(NotificationsConfig.load(k -> null, "http://localhost")));
  }

  /** Sends requests until the first 429 (the clock standing still) and returns how many were served before it. */
  private static int servedBeforeRefusal(java.util.function.Supplier<HttpResponse<Buffer>> call) {
    int served = 0;
    while (true) {
      HttpResponse<Buffer> r = call.get();
      if (r.statusCode() == 429) return served;
      assertThat(r.statusCode()).as("request %d: %s", served + 1, r.bodyAsString()).isLessThan(429);
      served++;
      assertThat(served).as("served without a refusal").isLessThan(200);
    }
  }

  private static HttpResponse<Buffer> kioskCheckIn(String token, JsonObject body) {
    return app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
  }
}
