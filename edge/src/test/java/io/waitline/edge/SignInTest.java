package io.waitline.edge;

import io.waitline.edge.feed.LiveFeeds;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.PASSWORD;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.access.IssuedSession;
import io.waitline.access.Role;
import io.waitline.access.StaffAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Staff sign-in over real HTTP: the session cookie and its CSRF token, API tokens, sign-out, lockout, disabled
 * accounts, first-start setup, staff accounts managed by an admin, and live feeds opened with the cookie.
 */
class SignInTest {
  private static final Pattern SESSION_COOKIE = Pattern.compile("waitline_session=([^;]*)");
  @RegisterExtension
  static final TestApp app = TestApp.node();

  private static JsonObject credentials(StaffAccount a, String password) {
    return new JsonObject().put("username", a.username()).put("password", password);
  }

  private static HttpResponse<Buffer> signIn(StaffAccount a, String password) {
    return app.anonymous(HttpMethod.POST, "/api/v1/auth/session").sendJsonObject(credentials(a, password)).await();
  }

  /** A browser session opened directly (sign-in over HTTP is rate-limited per address, and is tested on its own). */
  private static IssuedSession cookieSession(StaffAccount a) {
    return app.access.sessions().open(a.principal(null), a.id(), "cookie", "127.0.0.1").await();
  }

  private static HttpRequest<Buffer> withCookie(HttpMethod method, String path, String sessionToken) {
    return app.anonymous(method, path).putHeader("Cookie", "waitline_session=" + sessionToken);
  }

  private static HttpRequest<Buffer> withBearer(HttpMethod method, String path, String token) {
    return app.anonymous(method, path).putHeader("Authorization", "Bearer " + token);
  }

  private static String setCookie(HttpResponse<Buffer> r) {
    assertThat(r.cookies()).as("Set-Cookie of %s", r.bodyAsString()).hasSize(1);
    return r.cookies().get(0);
  }

  @Test
  void localSignInSetsAnHttpOnlyStrictSessionCookieAndAnswersWithTheCsrfToken() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);

    HttpResponse<Buffer> r = signIn(desk, PASSWORD);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String cookie = setCookie(r);
    Matcher token = SESSION_COOKIE.matcher(cookie);
    assertThat(token.find()).isTrue();
    assertThat(token.group(1)).startsWith("wls_");
    assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/")
        .doesNotContainIgnoringCase("Secure");
    JsonObject session = r.bodyAsJsonObject();
    assertThat(session.getBoolean("signedIn")).isTrue();
    assertThat(session.getString("csrfToken")).isNotBlank();
    assertThat(session.getJsonObject("user").getString("username")).isEqualTo(desk.username());
    assertThat(r.bodyAsString()).doesNotContain(token.group(1)); // the session token lives in the cookie only

    JsonObject again = withCookie(HttpMethod.GET, "/api/v1/auth/session", token.group(1)).send().await()
        .bodyAsJsonObject();
    assertThat(again.getBoolean("signedIn")).isTrue();
    assertThat(again.getString("csrfToken")).isEqualTo(session.getString("csrfToken"));
  }

  @Test
  void aChangeMadeWithTheCookieNeedsTheCsrfToken() {
    IssuedSession s = cookieSession(app.account(SITE, Role.FRONT_DESK));
    String queue = app.newQueue();
    String pause = "/api/v1/queues/" + queue + "/pause";

    JsonObject refused = problem(withCookie(HttpMethod.POST, pause, s.token()).send().await(), 403);
    assertThat(refused.getString("type")).endsWith("/csrf");
    problem(withCookie(HttpMethod.POST, pause, s.token()).putHeader("X-CSRF-Token", "not-" + s.csrfToken())
        .send().await(), 403);
    assertThat(app.commands.queue(queue).await().paused()).isFalse();
    // reading needs no CSRF token
    assertThat(withCookie(HttpMethod.GET, "/api/v1/queues/" + queue + "/snapshot", s.token()).send().await()
        .statusCode()).isEqualTo(200);

    HttpResponse<Buffer> ok = withCookie(HttpMethod.POST, pause, s.token()).putHeader("X-CSRF-Token", s.csrfToken())
        .send().await();
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isBetween(200, 299);
    assertThat(app.commands.queue(queue).await().paused()).isTrue();
  }

  @Test
  void aBearerTokenNeedsNoCsrfToken() {
    String queue = app.newQueue();
    HttpResponse<Buffer> r = withBearer(HttpMethod.POST, "/api/v1/queues/" + queue + "/pause",
        app.staffToken(SITE, Role.FRONT_DESK)).send().await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(200, 299);
  }

  @Test
  void signingOutEndsTheSessionAtOnceAndClearsTheCookie() {
    IssuedSession s = cookieSession(app.account(SITE, Role.CLINICIAN));
    assertThat(withCookie(HttpMethod.GET, "/api/v1/sites", s.token()).send().await().statusCode()).isEqualTo(200);

    HttpResponse<Buffer> out = withCookie(HttpMethod.DELETE, "/api/v1/auth/session", s.token())
        .putHeader("X-CSRF-Token", s.csrfToken()).send().await();

    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(setCookie(out)).startsWith("waitline_session=;").contains("Max-Age=0");
    JsonObject ended = problem(withCookie(HttpMethod.GET, "/api/v1/sites", s.token()).send().await(), 401);
    assertThat(ended.getString("detail")).contains("sign in");
    // a page that needs no sign-in still answers, as signed out
    JsonObject session = withCookie(HttpMethod.GET, "/api/v1/auth/session", s.token()).send().await()
        .bodyAsJsonObject();
    assertThat(session.getBoolean("signedIn")).isFalse();

    String token = app.staffToken(SITE, Role.CLINICIAN);
    assertThat(withBearer(HttpMethod.DELETE, "/api/v1/auth/session", token).send().await().statusCode())
        .isEqualTo(204);
    problem(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await(), 401);
  }

  @Test
  void signingOutClosesTheLiveFeedsOpenedWithThatSessionWithinAHeartbeat() {
    String token = app.staffToken(SITE, Role.FRONT_DESK);
    FeedClient feed = app.feed("/ws/queues/" + GENERAL + "?view=staff&access_token=" + token);
    feed.next("snapshot");

    assertThat(withBearer(HttpMethod.DELETE, "/api/v1/auth/session", token).send().await().statusCode())
        .isEqualTo(204);

    assertThat(feed.awaitClose(LiveFeeds.HEARTBEAT_MS / 1000 + 5)).isEqualTo((short) 1008);
  }

  @Test
  void anApiTokenWorksUntilItExpiresAfterTwelveHours() {
    StaffAccount manager = app.account(SITE, Role.MANAGER);
    HttpResponse<Buffer> issued = app.anonymous(HttpMethod.POST, "/api/v1/auth/tokens")
        .sendJsonObject(credentials(manager, PASSWORD)).await();
    assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
    assertThat(issued.cookies()).isEmpty();
    String token = issued.bodyAsJsonObject().getString("token");
    assertThat(token).startsWith("wls_");

    try {
      app.accessClock.advance(Duration.ofHours(11).plusMinutes(50));
      assertThat(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await().statusCode()).isEqualTo(200);
      app.accessClock.advance(Duration.ofMinutes(11));
      JsonObject expired = problem(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await(), 401);
      assertThat(expired.getString("detail")).contains("expired");
    } finally {
      app.accessClock.set(Instant.now());
    }
  }

  @Test
  void aBrowserSessionEndsAfterHalfAnHourWithoutUse() {
    IssuedSession s = cookieSession(app.account(SITE, Role.CLINICIAN));
    try {
      app.accessClock.advance(Duration.ofMinutes(25));
      assertThat(withCookie(HttpMethod.GET, "/api/v1/sites", s.token()).send().await().statusCode()).isEqualTo(200);
      app.accessClock.advance(Duration.ofMinutes(25)); // 25 minutes after the last use: still alive, it slid
      assertThat(withCookie(HttpMethod.GET, "/api/v1/sites", s.token()).send().await().statusCode()).isEqualTo(200);
      app.accessClock.advance(Duration.ofMinutes(31));
      problem(withCookie(HttpMethod.GET, "/api/v1/sites", s.token()).send().await(), 401);
    } finally {
      app.accessClock.set(Instant.now());
    }
  }

  @Test
  void aWrongPasswordIs401AndAfterFiveFailuresEvenTheRightOneIs423() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);

    for (int i = 0; i < 4; i++) {
      JsonObject wrong = problem(signIn(desk, "not the right password"), 401);
      assertThat(wrong.getString("detail")).contains("username or password");
    }
    // the fifth failure locks the account, and says so
    problem(signIn(desk, "not the right password"), 423);
    JsonObject locked = problem(signIn(desk, PASSWORD), 423);
    assertThat(locked.getString("detail")).contains("locked");
    // an unknown username is the same 401 as a wrong password
    problem(app.anonymous(HttpMethod.POST, "/api/v1/auth/session").sendJsonObject(new JsonObject()
        .put("username", "nobody-" + UUID.randomUUID()).put("password", PASSWORD)).await(), 401);
  }

  @Test
  void aDisabledAccountsOpenSessionsAreRefusedAtOnce() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
    IssuedSession browser = cookieSession(desk);
    String token = app.tokenOf(desk);
    assertThat(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await().statusCode()).isEqualTo(200);

    HttpResponse<Buffer> disabled = app.staff(HttpMethod.PATCH, "/api/v1/staff/" + desk.id())
        .sendJsonObject(new JsonObject().put("disabled", true)).await();

    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(200);
    assertThat(disabled.bodyAsJsonObject().getBoolean("disabled")).isTrue();
    problem(withCookie(HttpMethod.GET, "/api/v1/sites", browser.token()).send().await(), 401);
    problem(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await(), 401);
  }

  @Test
  void aRoleChangeAppliesToOpenSessionsAtOnce() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
    String token = app.tokenOf(desk);
    String queue = app.newQueue();
    assertThat(withBearer(HttpMethod.POST, "/api/v1/queues/" + queue + "/pause", token).send().await().statusCode())
        .isBetween(200, 299);

    app.staff(HttpMethod.PATCH, "/api/v1/staff/" + desk.id()).sendJsonObject(new JsonObject().put("roles",
        new JsonArray().add(new JsonObject().put("role", "clinician").put("siteId", SITE)))).await();

    problem(withBearer(HttpMethod.POST, "/api/v1/queues/" + queue + "/resume", token).send().await(), 403);
  }

  @Test
  void changingOnesPasswordKeepsThisSessionAndEndsTheOthers() {
    StaffAccount manager = app.account(SITE, Role.MANAGER);
    IssuedSession here = cookieSession(manager);
    String elsewhere = app.tokenOf(manager);

    problem(withCookie(HttpMethod.POST, "/api/v1/auth/password", here.token())
        .putHeader("X-CSRF-Token", here.csrfToken()).sendJsonObject(new JsonObject()
            .put("currentPassword", "not it at all").put("newPassword", "a fresh long passphrase")).await(), 403);
    HttpResponse<Buffer> changed = withCookie(HttpMethod.POST, "/api/v1/auth/password", here.token())
        .putHeader("X-CSRF-Token", here.csrfToken()).sendJsonObject(new JsonObject()
            .put("currentPassword", PASSWORD).put("newPassword", "a fresh long passphrase")).await();

    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(204);
    assertThat(withCookie(HttpMethod.GET, "/api/v1/sites", here.token()).send().await().statusCode()).isEqualTo(200);
    problem(withBearer(HttpMethod.GET, "/api/v1/sites", elsewhere).send().await(), 401);
    assertThat(app.access.accounts().authenticate(manager.username(), "a fresh long passphrase", "127.0.0.1")
        .await().id())
        .isEqualTo(manager.id());
  }

  @Test
  void anAnonymousSessionSaysHowToSignIn() {
    app.adminToken(); // an admin exists: setup is over
    JsonObject session = app.anonymous(HttpMethod.GET, "/api/v1/auth/session").send().await().bodyAsJsonObject();
    assertThat(session.getBoolean("signedIn")).isFalse();
    assertThat(session.getString("kind")).isEqualTo("anonymous");
    assertThat(session.getJsonObject("signInMethods").getBoolean("local")).isTrue();
    assertThat(session.getJsonObject("signInMethods").getBoolean("oidc")).isFalse();
    assertThat(session.getBoolean("setupNeeded")).isFalse();
    assertThat(session.containsKey("csrfToken")).isFalse();
  }

  @Test
  void setupWithTheOneTimeCodeCreatesTheFirstAdminOnceThenAnswers409() {
    try (TestApp fresh = TestApp.start()) {
      String code = fresh.access.setup().prepare().await().orElseThrow();
      JsonObject before = fresh.anonymous(HttpMethod.GET, "/api/v1/auth/session").send().await().bodyAsJsonObject();
      assertThat(before.getBoolean("setupNeeded")).isTrue();
      JsonObject admin = new JsonObject().put("username", "first-admin").put("displayName", "First Admin")
          .put("password", PASSWORD);

      problem(fresh.anonymous(HttpMethod.POST, "/api/v1/setup").sendJsonObject(admin.copy().put("code",
          "AAAA-BBBB-CCCC-DDDD-EEEE")).await(), 403);
      HttpResponse<Buffer> done = fresh.anonymous(HttpMethod.POST, "/api/v1/setup")
          .sendJsonObject(admin.copy().put("code", code)).await();

      assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(201);
      Matcher cookie = SESSION_COOKIE.matcher(setCookie(done));
      assertThat(cookie.find()).isTrue();
      assertThat(done.bodyAsJsonObject().getJsonObject("user").getJsonArray("roles"))
          .containsExactly(new JsonObject().put("role", "admin"));
      assertThat(fresh.anonymous(HttpMethod.GET, "/api/v1/staff").putHeader("Cookie", "waitline_session="
          + cookie.group(1)).send().await().statusCode()).isEqualTo(200);
      problem(fresh.anonymous(HttpMethod.POST, "/api/v1/setup").sendJsonObject(admin.copy().put("code", code)
          .put("username", "second-admin")).await(), 409);
      assertThat(fresh.anonymous(HttpMethod.GET, "/api/v1/auth/session").send().await().bodyAsJsonObject()
          .getBoolean("setupNeeded")).isFalse();
    }
  }

  @Test
  void anAdminManagesStaffAccountsAndBadInputIsA4xx() {
    String username = "dana-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject input = new JsonObject().put("username", username).put("displayName", "Dana Reyes")
        .put("password", PASSWORD).put("roles", new JsonArray()
            .add(new JsonObject().put("role", "front-desk").put("siteId", SITE)));

    HttpResponse<Buffer> created = app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject account = created.bodyAsJsonObject();
    assertThat(account.getString("username")).isEqualTo(username);
    assertThat(created.bodyAsString()).doesNotContain(PASSWORD).doesNotContain("argon2");
    String id = account.getString("id");
    assertThat(app.get("/api/v1/staff").bodyAsJsonArray()).extracting(o -> ((JsonObject) o).getString("id"))
        .contains(id);

    HttpResponse<Buffer> updated = app.staff(HttpMethod.PATCH, "/api/v1/staff/" + id).sendJsonObject(new JsonObject()
        .put("displayName", "Dana R.").put("roles", new JsonArray().add(new JsonObject().put("role", "manager"))))
        .await();
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonArray("roles")).containsExactly(new JsonObject().put("role",
        "manager"));

    // bad input: each a problem with a sentence, nothing created
    problem(app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input).await(), 409);
    problem(app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input.copy().put("username", "x-" + username)
        .put("password", "short")).await(), 400);
    problem(app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input.copy().put("username", "Has Spaces"))
        .await(), 400);
    problem(app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input.copy().put("username", "y-" + username)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "janitor")))).await(), 400);
    JsonObject noSite = problem(app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(input.copy()
        .put("username", "z-" + username).put("roles", new JsonArray().add(new JsonObject().put("role", "clinician")
            .put("siteId", "no-such-site")))).await(), 400);
    assertThat(noSite.getString("detail")).contains("no-such-site");
    problem(app.staff(HttpMethod.PATCH, "/api/v1/staff/" + UUID.randomUUID()).sendJsonObject(new JsonObject()
        .put("displayName", "Ghost")).await(), 404);
    problem(app.staff(HttpMethod.PATCH, "/api/v1/staff/not-a-uuid").sendJsonObject(new JsonObject()
        .put("displayName", "Ghost")).await(), 400);
    problem(app.staff(HttpMethod.PATCH, "/api/v1/staff/" + id).sendJsonObject(new JsonObject()).await(), 400);
    assertThat(app.get("/api/v1/staff").bodyAsJsonArray()).extracting(o -> ((JsonObject) o).getString("username"))
        .noneMatch(u -> u.endsWith(username) && !u.equals(username));

    // a manager is not an admin
    problem(withBearer(HttpMethod.GET, "/api/v1/staff", app.staffToken(SITE, Role.MANAGER)).send().await(), 403);
  }

  @Test
  void anAdminUnlocksALockedAccountAndResetsItsPassword() {
    StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
    String token = app.tokenOf(desk);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> app.access.accounts().authenticate(desk.username(), "wrong guess", "127.0.0.1")
          .await());
    }
    assertThat(app.access.accounts().get(desk.id()).await().lockedUntil()).isNotNull();

    HttpResponse<Buffer> unlocked = app.post("/api/v1/staff/" + desk.id() + "/unlock");
    assertThat(unlocked.statusCode()).as(unlocked.bodyAsString()).isEqualTo(200);
    assertThat(unlocked.bodyAsJsonObject().getString("lockedUntil")).isNull();

    HttpResponse<Buffer> reset = app.staff(HttpMethod.POST, "/api/v1/staff/" + desk.id() + "/password")
        .sendJsonObject(new JsonObject().put("newPassword", "reset by the admin today")).await();
    assertThat(reset.statusCode()).as(reset.bodyAsString()).isEqualTo(204);
    problem(withBearer(HttpMethod.GET, "/api/v1/sites", token).send().await(), 401); // its sessions ended
    assertThat(app.access.accounts().authenticate(desk.username(), "reset by the admin today", "127.0.0.1")
        .await().id())
        .isEqualTo(desk.id());
  }

  @Test
  void aFeedOpenedWithTheCookieMustComeFromThisServersOwnPages() {
    IssuedSession s = cookieSession(app.account(SITE, Role.FRONT_DESK));
    String uri = "/ws/queues/" + GENERAL + "?view=staff";
    String cookie = "waitline_session=" + s.token();

    assertThatThrownBy(() -> FeedClient.connect(app.webSockets, app.port(), uri,
        Map.of("Cookie", cookie, "Origin", "https://evil.example")).close())
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    assertThatThrownBy(() -> FeedClient.connect(app.webSockets, app.port(), uri, Map.of("Cookie", cookie)).close())
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));

    try (FeedClient feed = FeedClient.connect(app.webSockets, app.port(), uri,
        Map.of("Cookie", cookie, "Origin", "http://localhost:" + app.port()))) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(1);
    }
  }
}
