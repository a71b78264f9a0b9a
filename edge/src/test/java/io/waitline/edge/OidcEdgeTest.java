package io.waitline.edge;

import io.waitline.edge.feed.LiveFeeds;
import io.waitline.edge.oidc.ForgedToken;
import io.waitline.edge.oidc.OidcSettings;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge as the server wires it with an OpenID Connect provider (mock-oauth2-server on loopback): the provider's
 * access tokens pass the access guard and the per-site access rules like Waitline's own, bad ones answer 401, they
 * open staff feeds, and the browser code flow ends in a Waitline cookie session that is written to the audit log.
 */
class OidcEdgeTest {
  private static final String CLIENT = "waitline";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private static MockOAuth2Server idp;
  private static String issuer;
  private static TestApp app;
  /** A browser: keeps no cookies and follows no redirects, so the test sees each step of the flow. */
  private static WebClient browser;

  @BeforeAll
  static void start() {
    idp = new MockOAuth2Server();
    idp.start();
    issuer = idp.issuerUrl("default").toString();
    app = TestApp.startWithOidc(OidcSettings.from(Map.of("WAITLINE_OIDC_ISSUER", issuer,
        "WAITLINE_OIDC_CLIENT_ID", CLIENT, "WAITLINE_OIDC_CLIENT_SECRET", "not-a-real-secret")::get).orElseThrow());
    browser = WebClient.create(app.vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() {
    browser.close();
    app.close();
    idp.shutdown();
  }

  // ---- bearer tokens from the provider, through the access guard and the access rules

  @Test
  void aFrontDeskTokenForOneSiteReadsThatSitesEntriesOnly() {
    String patient = "Ingrid Provider " + COUNTER.incrementAndGet();
    app.checkIn(GENERAL, patient);
    String desk = idpToken(CLIENT, 300, "front-desk@" + SITE);

    HttpResponse<Buffer> today = bearer(desk, HttpMethod.GET, "/api/v1/sites/" + SITE + "/entries").send().await();

    assertThat(today.statusCode()).as(today.bodyAsString()).isEqualTo(200);
    assertThat(today.bodyAsJsonArray().stream().map(o -> ((JsonObject) o).getJsonObject("patient").getString("name")))
        .contains(patient);
    String elsewhere = app.newSite();
    JsonObject refused = problem(bearer(desk, HttpMethod.GET, "/api/v1/sites/" + elsewhere + "/entries").send()
        .await(), 403);
    assertThat(refused.getString("type")).doesNotEndWith("/unauthenticated");
  }

  @Test
  void aFrontDeskTokenMayNotCreateStaffAccountsButAnAdminTokenMay() {
    String desk = idpToken(CLIENT, 300, "front-desk@" + SITE);
    String admin = idpToken(CLIENT, 300, "admin");
    String username = "oidc-made-" + COUNTER.incrementAndGet();

    problem(bearer(desk, HttpMethod.POST, "/api/v1/staff").sendJsonObject(newAccount(username)).await(), 403);
    HttpResponse<Buffer> created = bearer(admin, HttpMethod.POST, "/api/v1/staff").sendJsonObject(
        newAccount(username)).await();

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("username")).isEqualTo(username);
    assertThat(bearer(admin, HttpMethod.GET, "/api/v1/staff").send().await().bodyAsJsonArray().stream()
        .map(o -> ((JsonObject) o).getString("username"))).containsOnlyOnce(username);
  }

  @Test
  void anExpiredTokenATokenForAnotherAudienceAndAForgedTokenAnswer401Problems() throws Exception {
    String entries = "/api/v1/sites/" + SITE + "/entries";

    JsonObject expired = problem(bearer(idpToken(CLIENT, -120, "admin"), HttpMethod.GET, entries).send().await(),
        401);
    JsonObject otherAudience = problem(bearer(idpToken("billing-app", 300, "admin"), HttpMethod.GET, entries).send()
        .await(), 401);
    JsonObject forged = problem(bearer(ForgedToken.admin(issuer, CLIENT), HttpMethod.GET, entries).send().await(), 401);

    assertThat(expired.getString("detail")).contains("expired");
    assertThat(otherAudience.getString("detail")).contains("audience");
    assertThat(forged.getString("detail")).contains("signature");
  }

  @Test
  void signingOutWithAProviderTokenRefusesThatTokenHereAndClosesItsFeedsButNotTheSameUsersOtherTokens() {
    String signedOut = idpToken(CLIENT, 300, "front-desk@" + SITE);
    String entries = "/api/v1/sites/" + SITE + "/entries";
    FeedClient feed = app.feed("/ws/queues/" + GENERAL + "?view=staff&access_token=" + signedOut);
    feed.next("snapshot");

    assertThat(bearer(signedOut, HttpMethod.DELETE, "/api/v1/auth/session").send().await().statusCode())
        .isEqualTo(204);

    assertThat(problem(bearer(signedOut, HttpMethod.GET, entries).send().await(), 401).getString("detail"))
        .isEqualTo("This identity provider's token was signed out of Waitline; sign in again for a new one.");
    // the sign-out tells the feeds at once; well before the heartbeat would have
    assertThat(feed.awaitClose(LiveFeeds.HEARTBEAT_MS / 1000 - 5)).isEqualTo((short) 1008);
    assertThat(app.refusedFeed("/ws/queues/" + GENERAL + "?view=staff&access_token=" + signedOut)).isEqualTo(401);
    assertThat(app.pool.preparedQuery("SELECT expires_at > now() + interval '4 minutes' FROM revoked_provider_token "
            + "WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')").execute(Tuple.of(signedOut)).await()
        .iterator().next().getBoolean(0)).as("refused until the token's own expiry, 5 minutes on").isTrue();
    String another = idpToken(CLIENT, 300, "front-desk@" + SITE);
    assertThat(bearer(another, HttpMethod.GET, entries).send().await().statusCode()).isEqualTo(200);
  }

  // ---- live feeds

  @Test
  void aProviderTokenOpensAStaffFeedAtItsOwnSiteOnly() {
    String desk = idpToken(CLIENT, 300, "front-desk@" + SITE);
    String patient = "Fenna Feedworth " + COUNTER.incrementAndGet();
    app.checkIn(GENERAL, patient);

    try (FeedClient feed = app.feed("/ws/queues/" + GENERAL + "?view=staff&access_token=" + desk)) {
      JsonArray queues = feed.next("snapshot").getJsonArray("queues");
      assertThat(queues).hasSize(1);
      assertThat(queues.getJsonObject(0).getJsonObject("queue").getString("id")).isEqualTo(GENERAL);
      // the staff view: full names, not initials
      assertThat(queues.getJsonObject(0).getJsonArray("entries").stream()
          .map(o -> ((JsonObject) o).getJsonObject("patient").getString("name"))).contains(patient);
    }
    String elsewhere = app.newSite();
    assertThat(app.refusedFeed("/ws/queues/" + elsewhere + "-a?view=staff&access_token=" + desk)).isEqualTo(403);
    assertThat(app.refusedFeed("/ws/queues/" + GENERAL + "?view=staff&access_token="
        + idpToken(CLIENT, -120, "front-desk@" + SITE))).isEqualTo(401);
  }

  // ---- the browser code flow

  @Test
  void theCodeFlowOpensACookieSessionThatNeedsTheCsrfTokenForChangesAndIsAudited() {
    String subject = "sub-" + COUNTER.incrementAndGet();
    String username = "pnakamura-" + subject;
    idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, JOSEObjectType.JWT.getType(),
        List.of(CLIENT), Map.of("preferred_username", username, "name", "Priya Nakamura",
            "realm_access", Map.of("roles", List.of("front-desk@" + SITE, "offline_access"))), 600L));

    HttpResponse<Buffer> login = browser.getAbs(edge("/auth/oidc/login?returnTo=/desk/" + SITE)).send().await();
    assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(302);
    assertThat(login.getHeader("Location")).startsWith(idp.authorizationEndpointUrl("default").toString());
    String flowCookie = cookie(login, "waitline_oidc");
    HttpResponse<Buffer> authorize = browser.getAbs(login.getHeader("Location")).send().await();
    assertThat(authorize.statusCode()).as("the provider signs in without a form").isEqualTo(302);
    HttpResponse<Buffer> callback = browser.getAbs(edge(callbackPath(authorize.getHeader("Location"))))
        .putHeader("Cookie", flowCookie).send().await();

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/desk/" + SITE);
    String sessionSetCookie = callback.cookies().stream().filter(c -> c.startsWith("waitline_session="))
        .findFirst().orElseThrow(() -> new AssertionError("no session cookie in " + callback.cookies()));
    assertThat(sessionSetCookie).startsWith("waitline_session=wls_").containsIgnoringCase("HttpOnly")
        .contains("SameSite=Strict").contains("Path=/");
    String sessionCookie = sessionSetCookie.split(";", 2)[0];

    HttpResponse<Buffer> got = withCookie(sessionCookie, HttpMethod.GET, "/api/v1/auth/session").send().await();
    assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
    JsonObject session = got.bodyAsJsonObject();
    assertThat(session.getBoolean("signedIn")).isTrue();
    assertThat(session.getJsonObject("signInMethods").getBoolean("oidc")).isTrue();
    JsonObject user = session.getJsonObject("user");
    assertThat(user.getString("username")).isEqualTo(username);
    assertThat(user.getString("displayName")).isEqualTo("Priya Nakamura");
    assertThat(user.getString("source")).isEqualTo("oidc");
    assertThat(user.getJsonArray("roles")).isEqualTo(new JsonArray().add(new JsonObject().put("role", "front-desk")
        .put("siteId", SITE)));
    String csrf = session.getString("csrfToken");
    assertThat(csrf).isNotBlank();

    String checkIns = "/api/v1/queues/" + GENERAL + "/check-ins";
    JsonObject patient = new JsonObject().put("patient", new JsonObject().put("name", "Cookie Csrfson"));
    JsonObject refused = problem(withCookie(sessionCookie, HttpMethod.POST, checkIns).sendJsonObject(patient)
        .await(), 403);
    assertThat(refused.getString("type")).endsWith("/csrf");
    HttpResponse<Buffer> checkedIn = withCookie(sessionCookie, HttpMethod.POST, checkIns)
        .putHeader("X-CSRF-Token", csrf).sendJsonObject(patient).await();
    assertThat(checkedIn.statusCode()).as(checkedIn.bodyAsString()).isEqualTo(201);

    JsonObject record = app.auditRecord(idpToken(CLIENT, 300, "admin"), "action=signInWithProvider",
        r -> r.getJsonObject("detail") != null && username.equals(r.getJsonObject("detail").getString("username")));
    assertThat(record.getString("actorKind")).isEqualTo("staff");
    assertThat(record.getString("actorId")).isEqualTo("oidc:" + subject);
    assertThat(record.getString("actorName")).isEqualTo("Priya Nakamura (" + username + ")");
    assertThat(record.getInteger("outcome")).isEqualTo(200);
  }

  // ---- plumbing

  /** An access token the provider signs for {@code audience}, with these realm roles, expiring in so many seconds. */
  private static String idpToken(String audience, long expirySeconds, String... roles) {
    String subject = "staff-" + COUNTER.incrementAndGet();
    return idp.issueToken("default", subject, audience, Map.of("preferred_username", subject,
        "realm_access", Map.of("roles", List.of(roles))), expirySeconds).serialize();
  }

  private static JsonObject newAccount(String username) {
    return new JsonObject().put("username", username).put("displayName", "Made By Provider Admin")
        .put("password", TestApp.PASSWORD)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "front-desk").put("siteId", SITE)));
  }

  private static HttpRequest<Buffer> bearer(String token, HttpMethod method, String path) {
    return app.anonymous(method, path).putHeader("Authorization", "Bearer " + token);
  }

  private static HttpRequest<Buffer> withCookie(String cookie, HttpMethod method, String path) {
    return app.anonymous(method, path).putHeader("Cookie", cookie);
  }

  private static String edge(String pathAndQuery) {
    return "http://localhost:" + app.port() + pathAndQuery;
  }

  /**
   * The path and query of the provider's redirect back to Waitline. The edge's public URL has no port (as behind a
   * proxy), so the browser here takes the redirect to the port the edge really listens on.
   */
  private static String callbackPath(String location) {
    URI uri = URI.create(location);
    assertThat(uri.getRawPath()).isEqualTo("/auth/oidc/callback");
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }

  /** The {@code name=value} pair of the cookie {@code name} that a response sets. */
  private static String cookie(HttpResponse<Buffer> response, String name) {
    return response.cookies().stream().filter(c -> c.startsWith(name + "=")).map(c -> c.split(";", 2)[0])
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.cookies()));
  }
}
