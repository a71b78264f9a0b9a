package io.waitline.edge.oidc;

import io.waitline.access.AccessException.Refusal;
import io.waitline.edge.pipeline.Problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.waitline.access.AccessException;
import io.waitline.access.Principal;
import io.waitline.access.Role;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-in against a real OpenID Connect provider (mock-oauth2-server on a loopback port): discovery and keys, bearer
 * token checks, role mapping, and the browser code flow over real HTTP.
 */
class OidcSignInTest {
  private static final String CLIENT = "waitline";
  private static final Map<String, Object> DESK_AND_CLINIC =
      Map.of("realm_access", Map.of("roles", List.of("front-desk", "clinician", "offline_access")));

  private static MockOAuth2Server idp;
  private static Vertx vertx;
  private static HttpServer web;
  private static WebClient http;
  private static String issuer;
  private static OidcSignIn signIn;
  private static final List<Principal.Staff> opened = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    idp = new MockOAuth2Server();
    idp.start();
    issuer = idp.issuerUrl("default").toString();
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().failureHandler(Problems::handle);
    web = vertx.createHttpServer().requestHandler(router).listen(0, "localhost").await();
    signIn = OidcSignIn.discover(vertx, settings(Map.of()), "http://localhost:" + web.actualPort()).await();
    // stands in for the server's session store: sets a cookie and remembers who was signed in
    signIn.mount(router, (rc, staff) -> {
      opened.add(staff);
      rc.response().putHeader("Set-Cookie", "waitline_session=wls_test; Path=/; HttpOnly; SameSite=Strict");
      return Future.succeededFuture("wls_test");
    });
    http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    idp.shutdown();
  }

  @BeforeEach
  void forget() {
    opened.clear();
  }

  private static OidcSettings settings(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Map.of("WAITLINE_OIDC_ISSUER", issuer, "WAITLINE_OIDC_CLIENT_ID", CLIENT,
        "WAITLINE_OIDC_CLIENT_SECRET", "not-a-real-secret"));
    env.putAll(overrides);
    return OidcSettings.from(env::get).orElseThrow();
  }

  private static String token(String subject, String audience, Map<String, Object> claims, long expirySeconds) {
    return idp.issueToken("default", subject, audience, claims, expirySeconds).serialize();
  }

  private static AccessException refusal(Future<?> outcome) {
    Throwable err = outcome.map(v -> (Throwable) null).otherwise(t -> t).await();
    assertThat(err).as("the token should have been refused").isInstanceOf(AccessException.class);
    return (AccessException) err;
  }

  @Test
  void discoveryFindsTheProvidersEndpointsAndKeys() {
    // the keys were loaded: a token the provider signed validates without asking the provider again
    Principal.Staff staff = signIn.validate(token("dana", CLIENT, DESK_AND_CLINIC, 300)).await();
    assertThat(staff.username()).isEqualTo("dana");
  }

  @Test
  void discoveryOfAnIssuerThatDoesNotAnswerFailsWithASentenceNamingIt() {
    String nowhere = idp.issuerUrl("default").newBuilder().port(1).build().toString();
    Throwable err = OidcSignIn.discover(vertx, settings(Map.of("WAITLINE_OIDC_ISSUER", nowhere)), "http://localhost")
        .map(v -> (Throwable) null).otherwise(t -> t).await();
    assertThat(err).isInstanceOf(IllegalStateException.class).hasMessageContaining(nowhere)
        .hasMessageContaining("discovery");
  }

  @Test
  void aValidTokenWithRealmRolesGivesThoseRolesAtEverySite() {
    Map<String, Object> claims = new HashMap<>(DESK_AND_CLINIC);
    claims.put("preferred_username", "dreyes");
    claims.put("name", "Dana Reyes");
    String jwt = token("7d1c-sub", CLIENT, claims, 600);
    long exp = Instant.now().getEpochSecond() + 600;

    Principal.Staff staff = signIn.validate(jwt).await();

    assertThat(staff.rolesBySite()).isEqualTo(Map.of(Principal.ALL_SITES, Set.of(Role.FRONT_DESK, Role.CLINICIAN)));
    assertThat(staff.username()).isEqualTo("dreyes");
    assertThat(staff.name()).isEqualTo("Dana Reyes");
    assertThat(staff.id()).isEqualTo("oidc:7d1c-sub");
    assertThat(staff.source()).isEqualTo("oidc");
    assertThat(staff.expiresAt().getEpochSecond()).isBetween(exp - 5, exp + 5);
    assertThat(staff.rolesAt("any-site")).containsExactlyInAnyOrder(Role.FRONT_DESK, Role.CLINICIAN);
  }

  @Test
  void withoutPreferredUsernameOrNameTheSubjectNamesTheStaffMember() {
    Principal.Staff staff = signIn.validate(token("b2f9", CLIENT, DESK_AND_CLINIC, 300)).await();
    assertThat(staff.username()).isEqualTo("b2f9");
    assertThat(staff.name()).isEqualTo("b2f9");
  }

  @Test
  void siteScopedRolesAndThePrefixAreMapped() {
    OidcSignIn prefixed = OidcSignIn.discover(vertx, settings(Map.of("WAITLINE_OIDC_ROLE_PREFIX", "waitline-",
        "WAITLINE_OIDC_ROLES_CLAIM", "resource_access.waitline.roles")), "http://localhost").await();
    Map<String, Object> claims = Map.of("resource_access", Map.of("waitline", Map.of("roles", List.of(
        "waitline-manager@main", "waitline-front-desk@east", "waitline-clinician@east",
        "front-desk", "waitline-superuser", "waitline-clinician@", "offline_access"))));

    Principal.Staff staff = prefixed.validate(token("lee", CLIENT, claims, 300)).await();

    assertThat(staff.rolesBySite()).isEqualTo(Map.of(
        "main", Set.of(Role.MANAGER),
        "east", Set.of(Role.FRONT_DESK, Role.CLINICIAN)));
    assertThat(staff.rolesAt("main")).containsExactly(Role.MANAGER);
    assertThat(staff.rolesAt("west")).isEmpty();
  }

  @Test
  void rolesGivenAsOneSpaceSeparatedStringAreRead() {
    OidcSignIn flat = OidcSignIn.discover(vertx, settings(Map.of("WAITLINE_OIDC_ROLES_CLAIM", "roles")),
        "http://localhost").await();
    Principal.Staff staff = flat.validate(token("kim", CLIENT, Map.of("roles", "admin front-desk@main"), 300))
        .await();
    assertThat(staff.rolesBySite()).isEqualTo(Map.of(Principal.ALL_SITES, Set.of(Role.ADMIN),
        "main", Set.of(Role.FRONT_DESK)));
  }

  @Test
  void anExpiredTokenIsRefused() {
    AccessException e = refusal(signIn.validate(token("dana", CLIENT, DESK_AND_CLINIC, -120)));
    assertThat(e.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(e.getMessage()).contains("expired");
  }

  @Test
  void aTokenSignedWithAnotherKeyUnderTheProvidersKeyIdIsRefused() throws Exception {
    AccessException e = refusal(signIn.validate(ForgedToken.admin(issuer, CLIENT)));

    assertThat(e.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(e.getMessage()).contains("signature");
  }

  @Test
  void aTokenFromAnotherIssuerOfTheSameProviderIsRefused() {
    // a second issuer id on the provider has its own key and its own iss
    String other = idp.issueToken("other", "dana", CLIENT, DESK_AND_CLINIC, 300).serialize();
    assertThat(refusal(signIn.validate(other)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void aTokenSignedByTheProvidersKeyButNamingAnotherIssuerIsRefused() throws Exception {
    HttpUrl elsewhere = HttpUrl.get("http://id.elsewhere.example/default");
    Map<String, Object> claims = new HashMap<>(DESK_AND_CLINIC);
    claims.put("sub", "dana");
    claims.put("aud", List.of(CLIENT));
    SignedJWT jwt = idp.anyToken(elsewhere, claims, java.time.Duration.ofMinutes(5));
    RSAKey trusted = idp.getConfig().getTokenProvider().publicJwkSet("default").getKeys().get(0).toRSAKey();
    assertThat(jwt.verify(new RSASSAVerifier(trusted))).as("signed with the key Waitline trusts").isTrue();

    assertThat(refusal(signIn.validate(jwt.serialize())).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    AccessException e = refusal(signIn.validate(token("dana", "billing-app", DESK_AND_CLINIC, 300)));
    assertThat(e.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void aTokenWithoutAnyAudienceIsRefused() {
    AccessException e = refusal(signIn.validate(token("dana", null, DESK_AND_CLINIC, 300)));
    assertThat(e.refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(e.getMessage()).contains("audience");
  }

  @Test
  void anUnsignedTokenAndGarbageAreRefused() {
    String header = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = Base64.getUrlEncoder().withoutPadding().encodeToString(new JsonObject().put("iss", issuer)
        .put("sub", "mallory").put("aud", CLIENT).put("exp", Instant.now().getEpochSecond() + 300)
        .put("realm_access", new JsonObject().put("roles", List.of("admin"))).encode()
        .getBytes(StandardCharsets.UTF_8));
    assertThat(refusal(signIn.validate(header + "." + body + ".")).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(refusal(signIn.validate(header + "." + body)).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(refusal(signIn.validate("not-a-jwt")).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
    assertThat(refusal(signIn.validate("")).refusal()).isEqualTo(Refusal.UNAUTHENTICATED);
  }

  @Test
  void aTokenWithNoWaitlineRoleIsRefusedWith403AndSaysWhy() {
    Map<String, Object> claims = Map.of("realm_access", Map.of("roles", List.of("offline_access", "uma_authorization")));
    AccessException e = refusal(signIn.validate(token("dana", CLIENT, claims, 300)));
    assertThat(e.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(e.getMessage()).startsWith("Your identity provider account has no Waitline role")
        .contains("realm_access.roles");
  }

  // ---- the browser code flow, over real HTTP ----

  /** The provider signs the next code exchange in as this person. */
  private static void nextSignInIs(String subject, Map<String, Object> claims) {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, JOSEObjectType.JWT.getType(),
        List.of(CLIENT), claims, 600L));
  }

  private static String local(String path) {
    return "http://localhost:" + web.actualPort() + path;
  }

  private static HttpResponse<Buffer> get(String absoluteUrl, String cookie) {
    var request = http.getAbs(absoluteUrl);
    if (cookie != null) request.putHeader("Cookie", cookie);
    return request.send().await();
  }

  /** The {@code name=value} pair of the cookie {@code name} that a response sets. */
  private static String cookie(HttpResponse<Buffer> response, String name) {
    return response.cookies().stream().filter(c -> c.startsWith(name + "="))
        .map(c -> c.split(";", 2)[0]).findFirst().orElse(null);
  }

  private static MultiMap query(String url) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    String raw = URI.create(url).getRawQuery();
    for (String pair : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      params.add(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
    }
    return params;
  }

  /** Login (returns the flow cookie and the provider's redirect back to Waitline). */
  private static String[] startSignIn(String returnTo) {
    HttpResponse<Buffer> login = get(local(OidcSignIn.LOGIN_PATH
        + (returnTo == null ? "" : "?returnTo=" + java.net.URLEncoder.encode(returnTo, StandardCharsets.UTF_8))), null);
    assertThat(login.statusCode()).isEqualTo(302);
    String flowCookie = cookie(login, OidcSignIn.FLOW_COOKIE);
    assertThat(flowCookie).isNotNull();
    HttpResponse<Buffer> authorize = get(login.getHeader("Location"), null);
    assertThat(authorize.statusCode()).as("the provider signs in without a form").isEqualTo(302);
    return new String[] {flowCookie, authorize.getHeader("Location")};
  }

  @Test
  void loginRedirectsToTheProviderWithStatePkceAndNonce() {
    HttpResponse<Buffer> login = get(local(OidcSignIn.LOGIN_PATH), null);

    assertThat(login.statusCode()).isEqualTo(302);
    String location = login.getHeader("Location");
    assertThat(location).startsWith(idp.authorizationEndpointUrl("default").toString());
    MultiMap params = query(location);
    assertThat(params.get("response_type")).isEqualTo("code");
    assertThat(params.get("client_id")).isEqualTo(CLIENT);
    assertThat(params.get("redirect_uri")).isEqualTo(local(OidcSignIn.CALLBACK_PATH));
    assertThat(params.get("scope")).isEqualTo("openid profile");
    assertThat(params.get("code_challenge_method")).isEqualTo("S256");
    assertThat(params.get("code_challenge")).hasSize(43);
    assertThat(params.get("state")).hasSize(43);
    assertThat(params.get("nonce")).hasSize(43).isNotEqualTo(params.get("state"));
    String setCookie = login.cookies().stream().filter(c -> c.startsWith(OidcSignIn.FLOW_COOKIE + "=")).findFirst()
        .orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/auth/oidc")
        .contains("Max-Age=600");
  }

  @Test
  void theCodeFlowSignsInOpensASessionAndReturnsToTheAskedPath() {
    Map<String, Object> claims = new HashMap<>(Map.of("realm_access", Map.of("roles", List.of("manager@main"))));
    claims.put("preferred_username", "mokafor");
    claims.put("name", "Mira Okafor");
    nextSignInIs("9e4a", claims);

    String[] flow = startSignIn("/desk/queues/general?view=board");
    assertThat(flow[1]).startsWith(local(OidcSignIn.CALLBACK_PATH));
    HttpResponse<Buffer> callback = get(flow[1], flow[0]);

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/desk/queues/general?view=board");
    assertThat(cookie(callback, "waitline_session")).isEqualTo("waitline_session=wls_test");
    assertThat(cookie(callback, OidcSignIn.FLOW_COOKIE)).as("the flow cookie is cleared")
        .isEqualTo(OidcSignIn.FLOW_COOKIE + "=");
    assertThat(opened).hasSize(1);
    Principal.Staff staff = opened.get(0);
    assertThat(staff.username()).isEqualTo("mokafor");
    assertThat(staff.name()).isEqualTo("Mira Okafor");
    assertThat(staff.source()).isEqualTo("oidc");
    assertThat(staff.rolesBySite()).isEqualTo(Map.of("main", Set.of(Role.MANAGER)));
  }

  @Test
  void withoutReturnToTheFlowEndsAtTheDesk() {
    nextSignInIs("dana", DESK_AND_CLINIC);
    String[] flow = startSignIn(null);
    HttpResponse<Buffer> callback = get(flow[1], flow[0]);
    assertThat(callback.statusCode()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/desk/");
  }

  @Test
  void aReturnToOnAnotherOriginIsIgnored() {
    nextSignInIs("dana", DESK_AND_CLINIC);
    String[] flow = startSignIn("https://evil.example/phish");
    HttpResponse<Buffer> callback = get(flow[1], flow[0]);
    assertThat(callback.statusCode()).isEqualTo(302);
    assertThat(callback.getHeader("Location")).isEqualTo("/desk/");
  }

  @Test
  void onlySameOriginRelativePathsAreReturnedTo() {
    assertThat(OidcSignIn.safeReturnTo("/desk/queues/lab")).isEqualTo("/desk/queues/lab");
    assertThat(OidcSignIn.safeReturnTo("/admin/?tab=devices#top")).isEqualTo("/admin/?tab=devices#top");
    for (String elsewhere : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil",
        "javascript:alert(1)", "desk/", "/desk/\r\nSet-Cookie: x=y", "", "/" + "a".repeat(600))) {
      assertThat(OidcSignIn.safeReturnTo(elsewhere)).as(elsewhere).isEqualTo("/desk/");
    }
    assertThat(OidcSignIn.safeReturnTo(null)).isEqualTo("/desk/");
  }

  @Test
  void aTamperedStateIsRefusedAndNoSessionOpens() {
    String[] flow = startSignIn(null);
    String tampered = flow[1].replaceFirst("state=[^&]+", "state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(tampered).isNotEqualTo(flow[1]);

    HttpResponse<Buffer> callback = get(tampered, flow[0]);

    assertThat(callback.statusCode()).isEqualTo(400);
    assertThat(callback.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = callback.bodyAsJsonObject();
    assertThat(problem.getString("type")).endsWith("/state-mismatch");
    assertThat(problem.getString("detail")).contains("does not belong to the sign-in this browser started");
    assertThat(opened).isEmpty();
    assertThat(cookie(callback, "waitline_session")).isNull();
  }

  @Test
  void aCallbackWithoutTheFlowCookieIsRefused() {
    String[] flow = startSignIn(null);

    HttpResponse<Buffer> callback = get(flow[1], null);

    assertThat(callback.statusCode()).isEqualTo(400);
    assertThat(callback.bodyAsJsonObject().getString("type")).endsWith("/sign-in-expired");
    assertThat(opened).isEmpty();
  }

  @Test
  void aCodeIssuedToAnotherSignInAttemptIsRefused() {
    String[] victims = startSignIn(null);
    String[] attackers = startSignIn(null);
    nextSignInIs("dana", DESK_AND_CLINIC);
    // the attacker's browser state with the victim's code: PKCE and the nonce tie a code to its own attempt
    String spliced = victims[1].replaceFirst("state=[^&]+", "state=" + query(attackers[1]).get("state"));

    HttpResponse<Buffer> callback = get(spliced, attackers[0]);

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(401);
    assertThat(callback.bodyAsJsonObject().getString("type")).endsWith("/sign-in-refused");
    assertThat(callback.bodyAsJsonObject().getString("detail")).as("the provider's PKCE check refused it")
        .contains("invalid_grant");
    assertThat(opened).isEmpty();
  }

  @Test
  void anIdTokenCarryingAnotherNonceIsRefused() {
    String[] flow = startSignIn(null);
    // same state and PKCE verifier, but the browser expects another nonce than the provider put in the ID token
    String[] pair = flow[0].split("=", 2);
    JsonObject kept = new JsonObject(new String(Base64.getUrlDecoder().decode(pair[1]), StandardCharsets.UTF_8));
    kept.put("n", "a-nonce-from-some-other-sign-in");
    String swapped = pair[0] + "=" + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(kept.encode().getBytes(StandardCharsets.UTF_8));
    nextSignInIs("dana", DESK_AND_CLINIC);

    HttpResponse<Buffer> callback = get(flow[1], swapped);

    assertThat(callback.statusCode()).as(callback.bodyAsString()).isEqualTo(401);
    assertThat(callback.bodyAsJsonObject().getString("detail")).contains("ID token could not be verified");
    assertThat(opened).isEmpty();
  }

  @Test
  void anErrorFromTheProviderIsShownAsAProblemNotA500() {
    String[] flow = startSignIn(null);
    String state = query(flow[1]).get("state");

    HttpResponse<Buffer> callback = get(local(OidcSignIn.CALLBACK_PATH + "?error=access_denied"
        + "&error_description=User%20cancelled%20the%20sign-in&state=" + state), flow[0]);

    assertThat(callback.statusCode()).isEqualTo(401);
    assertThat(callback.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(callback.bodyAsJsonObject().getString("detail")).contains("User cancelled the sign-in");
    assertThat(opened).isEmpty();
  }

  @Test
  void aSignInWithoutAWaitlineRoleEndsIn403WithoutASession() {
    nextSignInIs("visitor", Map.of("realm_access", Map.of("roles", List.of("offline_access"))));
    String[] flow = startSignIn(null);

    HttpResponse<Buffer> callback = get(flow[1], flow[0]);

    assertThat(callback.statusCode()).isEqualTo(403);
    assertThat(callback.bodyAsJsonObject().getString("detail"))
        .startsWith("Your identity provider account has no Waitline role");
    assertThat(opened).isEmpty();
  }
}
