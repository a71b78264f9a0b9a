package io.waitline.edge.oidc;

import io.waitline.edge.pipeline.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.Principal;
import io.waitline.access.Role;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staff sign-in through an OpenID Connect identity provider: validates bearer access tokens against the provider's
 * published keys, and runs the browser authorization-code flow (state, PKCE S256, nonce) that ends in a Waitline
 * session.
 */
public final class OidcSignIn {
  private static final Logger LOG = LoggerFactory.getLogger(OidcSignIn.class);

  /** {@link Principal.Staff#source()} of identity-provider sign-ins. */
  public static final String SOURCE = "oidc";
  public static final String LOGIN_PATH = "/auth/oidc/login";
  public static final String CALLBACK_PATH = "/auth/oidc/callback";
  /** Where a signed-in browser goes when it asked for nowhere in particular, or for somewhere not on this site. */
  public static final String DEFAULT_RETURN = "/desk/";
  /** Carries one sign-in attempt's state, nonce, PKCE verifier and return path from login to callback. */
  static final String FLOW_COOKIE = "waitline_oidc";
  private static final String FLOW_COOKIE_PATH = "/auth/oidc";
  private static final int FLOW_SECONDS = 600;
  /** Tolerated clock difference between the identity provider and this node. */
  private static final int LEEWAY_SECONDS = 30;
  /** A token naming an unknown key refetches the key set at most this often (key rotation, not a request amplifier). */
  private static final long KEY_REFRESH_INTERVAL_MS = 60_000;
  private static final long KEY_SET_MAX_AGE_SECONDS = 3600;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Opens the Waitline session of a staff member the identity provider signed in (sets the session cookie). */
  @FunctionalInterface
  public interface SessionOpener {
    /** Resolves to the new session's token once the session cookie is on {@code rc}'s response. */
    Future<String> open(RoutingContext rc, Principal.Staff staff);
  }

  private final OAuth2Auth auth;
  private final OidcSettings settings;
  private final String redirectUri;
  private final boolean secureCookies;
  private final AtomicLong lastKeyRefresh = new AtomicLong();

  private OidcSignIn(OAuth2Auth auth, OidcSettings settings, String publicUrl) {
    this.auth = auth;
    this.settings = settings;
    this.redirectUri = publicUrl + CALLBACK_PATH;
    this.secureCookies = publicUrl.startsWith("https:");
    auth.missingKeyHandler(this::refreshKeys);
  }

  /**
   * Reads the provider's discovery document and key set. Fails with a sentence naming the issuer when the provider
   * cannot be reached or does not publish what sign-in needs.
   *
   * @param publicUrl the address browsers use for Waitline (the redirect URI is {@code publicUrl + /auth/oidc/callback})
   */
  public static Future<OidcSignIn> discover(Vertx vertx, OidcSettings settings, String publicUrl) {
    OAuth2Options options = new OAuth2Options()
        .setSite(settings.issuer())
        .setClientId(settings.clientId())
        .setClientSecret(settings.clientSecret())
        .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS).setAudience(List.of(settings.audience())));
    // refetch the key set hourly unless the provider's Cache-Control says otherwise
    options.setJwkMaxAgeInSeconds(KEY_SET_MAX_AGE_SECONDS);
    String base = publicUrl.replaceAll("/+$", "");
    return OpenIDConnectAuth.discover(vertx, options)
        .recover(err -> Future.failedFuture(new IllegalStateException("OpenID Connect discovery at "
            + settings.issuer() + "/.well-known/openid-configuration failed: " + err.getMessage(), err)))
        .compose(auth -> {
          if (options.getJwkPath() == null || options.getAuthorizationPath() == null
              || options.getTokenPath() == null) {
            return Future.failedFuture(new IllegalStateException("The identity provider at " + settings.issuer()
                + " does not publish jwks_uri, authorization_endpoint and token_endpoint; Waitline needs all three."));
          }
          // Tokens are checked here against the published keys and nowhere else: no call to the provider's
          // introspection or userinfo endpoint that any anonymous request could trigger.
          options.setIntrospectionPath(null).setUserInfoPath(null);
          if (options.getJWTOptions().getIssuer() == null) options.getJWTOptions().setIssuer(settings.issuer());
          LOG.info("OpenID Connect sign-in through {} (client {}, audience {}, roles from {})", settings.issuer(),
              settings.clientId(), settings.audience(), settings.rolesClaim());
          return Future.succeededFuture(new OidcSignIn(auth, settings, base));
        });
  }

  /**
   * The staff member an access token stands for. Refused with a 401 {@link AccessException} when the token's
   * signature, issuer, audience or expiry is not right, and with a 403 when it carries no Waitline role.
   */
  public Future<Principal.Staff> validate(String bearerJwt) {
    if (bearerJwt == null || bearerJwt.isBlank()) {
      return Future.failedFuture(new AccessException(401, "unauthenticated", "No access token was sent."));
    }
    return Future.<Void>succeededFuture()
        .compose(v -> auth.authenticate(new TokenCredentials(bearerJwt)))
        .transform(ar -> {
          JsonObject claims = ar.succeeded() ? ar.result().attributes().getJsonObject("accessToken") : null;
          if (claims == null) {
            LOG.debug("Access token refused: {}", ar.failed() ? ar.cause().getMessage() : "not a verified JWT");
            return Future.failedFuture(refusal(bearerJwt));
          }
          return staffFrom(claims);
        });
  }

  /** Adds {@code GET /auth/oidc/login} and {@code GET /auth/oidc/callback} to {@code root}. */
  public void mount(Router root, SessionOpener opener) {
    root.get(LOGIN_PATH).handler(this::login);
    root.get(CALLBACK_PATH).handler(rc -> callback(rc, opener));
  }

  private void login(RoutingContext rc) {
    Flow flow = new Flow(random(), random(), random(), safeReturnTo(rc.queryParams().get("returnTo")),
        Instant.now().getEpochSecond());
    String authorize = auth.authorizeURL(new OAuth2AuthorizationURL()
        .setRedirectUri(redirectUri)
        .setScopes(settings.scopes())
        .setState(flow.state())
        .setCodeChallenge(s256(flow.verifier()))
        .setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", flow.nonce()));
    rc.response()
        .addCookie(flowCookie(flow.encode(), FLOW_SECONDS))
        .putHeader("Cache-Control", "no-store")
        .putHeader("Location", authorize)
        .setStatusCode(302)
        .end();
  }

  private void callback(RoutingContext rc, SessionOpener opener) {
    Cookie cookie = rc.request().getCookie(FLOW_COOKIE);
    Flow flow = cookie == null ? null : Flow.decode(cookie.getValue());
    // one attempt per login: the flow cookie goes whatever happens next
    rc.response().addCookie(flowCookie("", 0)).putHeader("Cache-Control", "no-store");
    var query = rc.queryParams();
    String code = query.get("code");
    String error = query.get("error");
    if (flow == null || flow.startedAt() + FLOW_SECONDS < Instant.now().getEpochSecond()) {
      refuse(rc, new AccessException(400, "sign-in-expired", "This sign-in is no longer valid: it was started more "
          + "than 10 minutes ago or in another browser. Start again at " + LOGIN_PATH + "."));
    } else if (!constantTimeEquals(flow.state(), query.get("state"))) {
      refuse(rc, new AccessException(400, "state-mismatch", "This sign-in answer does not belong to the sign-in "
          + "this browser started, so it was ignored. Start again at " + LOGIN_PATH + "."));
    } else if (error != null) {
      String why = query.get("error_description") == null ? error : query.get("error_description");
      refuse(rc, new AccessException(401, "sign-in-refused", "The identity provider did not sign you in ("
          + clip(why) + "). Start again at " + LOGIN_PATH + "."));
    } else if (code == null || code.isBlank()) {
      refuse(rc, new AccessException(400, "bad-request", "The identity provider's answer has no sign-in code. "
          + "Start again at " + LOGIN_PATH + "."));
    } else {
      exchange(code, flow)
          .compose(staff -> opener.open(rc, staff))
          .onSuccess(session -> rc.response().putHeader("Location", flow.returnTo()).setStatusCode(302).end())
          .onFailure(err -> {
            if (err instanceof AccessException e) {
              refuse(rc, e);
            } else {
              rc.fail(err);
            }
          });
    }
  }

  /** Trades the code for tokens, then checks the ID token's nonce and maps the access token as a bearer would be. */
  private Future<Principal.Staff> exchange(String code, Flow flow) {
    return Future.<Void>succeededFuture()
        .compose(v -> auth.authenticate(new Oauth2Credentials()
            .setFlow(OAuth2FlowType.AUTH_CODE)
            .setCode(code)
            .setRedirectUri(redirectUri)
            .setCodeVerifier(flow.verifier())))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("The identity provider refused a sign-in code: {}", ar.cause().getMessage());
            return Future.failedFuture(new AccessException(401, "sign-in-refused", "The identity provider did not "
                + "accept the sign-in (" + clip(ar.cause().getMessage()) + "). Start again at " + LOGIN_PATH + "."));
          }
          User user = ar.result();
          JsonObject idToken = user.attributes().getJsonObject("idToken");
          if (idToken == null || !constantTimeEquals(flow.nonce(), idToken.getString("nonce"))) {
            return Future.failedFuture(new AccessException(401, "sign-in-refused", "The identity provider's ID "
                + "token could not be verified for this sign-in. Start again at " + LOGIN_PATH + "."));
          }
          JsonObject accessToken = user.attributes().getJsonObject("accessToken");
          if (accessToken == null) {
            return Future.failedFuture(new AccessException(401, "sign-in-refused", "The identity provider's "
                + "access token is not a JWT for audience '" + settings.audience() + "' signed with its published "
                + "keys. Ask your administrator to check the Waitline client at the identity provider."));
          }
          return staffFrom(accessToken);
        });
  }

  /** Audience, expiry and roles of claims whose signature and issuer the library has verified. */
  private Future<Principal.Staff> staffFrom(JsonObject claims) {
    try {
      if (!audiences(claims).contains(settings.audience())) {
        return Future.failedFuture(new AccessException(401, "unauthenticated", "The access token is not meant "
            + "for Waitline: its audience does not include '" + settings.audience() + "'."));
      }
      Long exp = claims.getLong("exp");
      String sub = claims.getString("sub");
      if (exp == null || sub == null || sub.isBlank()) {
        return Future.failedFuture(new AccessException(401, "unauthenticated",
            "The access token has no expiry or no subject, so Waitline does not accept it."));
      }
      Map<String, Set<Role>> roles = OidcRoles.rolesBySite(claims, settings.rolesClaim(), settings.rolePrefix());
      if (roles.isEmpty()) {
        String p = settings.rolePrefix();
        return Future.failedFuture(new AccessException(403, "no-role", "Your identity provider account has no "
            + "Waitline role. Ask your administrator for one of " + p + "front-desk, " + p + "clinician, " + p
            + "manager or " + p + "admin (or one for a single site, such as " + p + "front-desk@main) in the '"
            + settings.rolesClaim() + "' claim."));
      }
      String username = claims.getString("preferred_username", sub);
      String name = claims.getString("name", username);
      return Future.succeededFuture(new Principal.Staff(SOURCE + ":" + sub, username, name, SOURCE, roles,
          Instant.ofEpochSecond(exp)));
    } catch (ClassCastException e) {
      return Future.failedFuture(new AccessException(401, "unauthenticated",
          "The access token's claims are malformed (exp, sub, preferred_username or name has the wrong type)."));
    }
  }

  private static List<Object> audiences(JsonObject claims) {
    Object aud = claims.getValue("aud");
    if (aud instanceof String s) return List.of(s);
    if (aud instanceof JsonArray a) return a.stream().toList();
    return List.of();
  }

  /** Why a token the library did not verify is refused; the unverified expiry only chooses the sentence. */
  private static AccessException refusal(String token) {
    Long exp = null;
    try {
      String[] parts = token.split("\\.");
      if (parts.length == 3) {
        exp = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .getLong("exp");
      }
    } catch (RuntimeException e) {
      // not a JWT at all: the generic sentence fits
    }
    if (exp != null && exp + LEEWAY_SECONDS <= Instant.now().getEpochSecond()) {
      return new AccessException(401, "unauthenticated", "The access token has expired; sign in again.");
    }
    return new AccessException(401, "unauthenticated", "The access token is not accepted: its signature, issuer or "
        + "audience does not match the identity provider Waitline trusts.");
  }

  private void refreshKeys(String kid) {
    long now = System.currentTimeMillis();
    long last = lastKeyRefresh.get();
    if (now - last < KEY_REFRESH_INTERVAL_MS || !lastKeyRefresh.compareAndSet(last, now)) return;
    LOG.info("A token names a signing key the identity provider had not published; fetching its key set again.");
    auth.jWKSet().onFailure(err -> LOG.warn("Could not refetch the identity provider's key set", err));
  }

  private void refuse(RoutingContext rc, AccessException e) {
    String title = switch (e.status()) {
      case 401 -> "Sign-in failed";
      case 403 -> "Not allowed";
      default -> "Sign-in could not continue";
    };
    Problems.send(rc, e.status(), e.type(), title, e.getMessage());
  }

  private Cookie flowCookie(String value, int maxAgeSeconds) {
    // Lax, not Strict: the callback arrives as a top-level navigation from the identity provider's site
    return Cookie.cookie(FLOW_COOKIE, value).setPath(FLOW_COOKIE_PATH).setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX).setSecure(secureCookies).setMaxAge(maxAgeSeconds);
  }

  /** {@code candidate} when it is a path on this site; {@link #DEFAULT_RETURN} for anything else. */
  static String safeReturnTo(String candidate) {
    if (candidate == null || candidate.length() > 512 || !candidate.startsWith("/") || candidate.startsWith("//")) {
      return DEFAULT_RETURN;
    }
    for (char c : candidate.toCharArray()) {
      if (c < 0x20 || c == 0x7f || c == '\\') return DEFAULT_RETURN;
    }
    try {
      URI uri = new URI(candidate);
      return uri.getScheme() == null && uri.getRawAuthority() == null ? candidate : DEFAULT_RETURN;
    } catch (URISyntaxException e) {
      return DEFAULT_RETURN;
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static boolean constantTimeEquals(String expected, String actual) {
    return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        actual.getBytes(StandardCharsets.UTF_8));
  }

  private static String clip(String s) {
    String oneLine = String.valueOf(s).replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
  }

  /** One sign-in attempt, kept in the browser between login and callback. */
  private record Flow(String state, String nonce, String verifier, String returnTo, long startedAt) {
    String encode() {
      String json = new JsonObject().put("s", state).put("n", nonce).put("v", verifier).put("r", returnTo)
          .put("t", startedAt).encode();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Null when the cookie is not one this class wrote. */
    static Flow decode(String value) {
      try {
        JsonObject j = new JsonObject(new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8));
        Flow flow = new Flow(j.getString("s"), j.getString("n"), j.getString("v"), safeReturnTo(j.getString("r")),
            j.getLong("t", 0L));
        return flow.state() == null || flow.nonce() == null || flow.verifier() == null ? null : flow;
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
