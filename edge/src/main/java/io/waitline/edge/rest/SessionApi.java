package io.waitline.edge.rest;

import io.waitline.access.AccessException.Refusal;
import io.waitline.edge.pipeline.JsonReply;
import io.waitline.edge.pipeline.AccessGuard;
import io.waitline.edge.pipeline.AccessServices;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.ClientAddress;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.ActiveSession;
import io.waitline.access.IssuedSession;
import io.waitline.access.NewAccount;
import io.waitline.access.Principal;
import io.waitline.access.Role;
import io.waitline.access.RoleGrant;
import io.waitline.access.Sessions;
import io.waitline.access.StaffAccount;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signing in and out: who is signed in here, local sign-in (session cookie) and API tokens, changing one's own
 * password, and creating the first admin with the one-time setup code.
 */
public final class SessionApi {
  private final AccessServices access;
  private final boolean secureCookie;
  private final boolean oidcSignIn;
  private final Runnable onSetupComplete;
  private final ClientAddress clientAddress;

  /**
   * @param secureCookie mark the session cookie Secure (the server is reached over HTTPS)
   * @param oidcSignIn an identity provider is configured (the sign-in page offers it)
   * @param onSetupComplete runs once the first admin exists (the launcher deletes the setup-code file)
   * @param clientAddress where a session is said to be opened from
   */
  public SessionApi(AccessServices access, boolean secureCookie, boolean oidcSignIn, Runnable onSetupComplete,
      ClientAddress clientAddress) {
    this.access = access;
    this.secureCookie = secureCookie;
    this.oidcSignIn = oidcSignIn;
    this.onSetupComplete = onSetupComplete;
    this.clientAddress = clientAddress;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("getSession", this::getSession);
    ops.put("signIn", this::signIn);
    ops.put("signOut", this::signOut);
    ops.put("createApiToken", this::createApiToken);
    ops.put("changePassword", this::changePassword);
    ops.put("setUpFirstAdmin", this::setUpFirstAdmin);
  }

  /**
   * Opens a browser session for a staff member who signed in elsewhere (the identity provider's code flow) and sets
   * its cookie on {@code rc}'s response.
   */
  public Future<IssuedSession> openCookieSession(RoutingContext rc, Principal.Staff staff, UUID accountIdOrNull) {
    return access.sessions().open(staff, accountIdOrNull, "cookie", clientAddress.of(rc)).map(issued -> {
      rc.response().addCookie(sessionCookie(issued.token()));
      Caller.set(rc, issued.principal());
      return issued;
    });
  }

  private void getSession(RoutingContext rc) {
    Principal caller = Caller.of(rc);
    ActiveSession session = AccessGuard.session(rc);
    AccessGuard.Credential credential = AccessGuard.credential(rc);
    if (caller instanceof Principal.Anonymous && rc.request().getCookie(AccessGuard.COOKIE) != null) {
      rc.response().addCookie(clearedCookie()); // the cookie's session has ended
    }
    String csrf = session != null && credential.source() == AccessGuard.Source.COOKIE ? session.csrfToken() : null;
    Instant expires = session != null ? session.expiresAt()
        : caller instanceof Principal.Staff s ? s.expiresAt() : null;
    JsonReply.send(rc, 200, access.setup().needed().map(needed -> sessionJson(caller, csrf, expires, needed)));
  }

  private void signIn(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    JsonReply.send(rc, 200, access.accounts().authenticate(in.getString("username"), in.getString("password"),
            clientAddress.of(rc))
        .compose(account -> openCookieSession(rc, account.principal(null), account.id()))
        .compose(issued -> recorded(rc, 200, issued, true))
        .map(issued -> sessionJson(issued.principal(), issued.csrfToken(), issued.expiresAt(), false)));
  }

  private void signOut(RoutingContext rc) {
    AccessGuard.Credential credential = AccessGuard.credential(rc);
    rc.response().addCookie(clearedCookie());
    // staff only (the contract): a Waitline session or token, else an identity provider's token, which only the
    // provider can end; Waitline refuses it from now until it expires
    Future<Void> closed = credential.token().startsWith(Sessions.TOKEN_PREFIX)
        ? access.sessions().close(credential.token())
        : access.sessions().closeProviderToken(credential.token(), ((Principal.Staff) Caller.of(rc)).expiresAt());
    closed.onSuccess(v -> rc.response().setStatusCode(204).end()).onFailure(rc::fail);
  }

  private void createApiToken(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    JsonReply.send(rc, 201, access.accounts().authenticate(in.getString("username"), in.getString("password"),
            clientAddress.of(rc))
        .compose(account -> access.sessions().open(account.principal(null), account.id(), "token",
            clientAddress.of(rc)))
        .compose(issued -> {
          Caller.set(rc, issued.principal());
          return recorded(rc, 201, issued, false);
        })
        .map(issued -> new JsonObject().put("token", issued.token()).put("expiresAt", issued.expiresAt().toString())));
  }

  private void changePassword(RoutingContext rc) {
    ActiveSession session = AccessGuard.session(rc);
    if (session == null || session.accountId() == null) {
      throw new AccessException(Refusal.CONFLICT, "conflict",
          "Your password is kept by your organisation's sign-in service; "
          + "change it there.");
    }
    JsonObject in = rc.body().asJsonObject();
    // whoever else knew the old password is signed out; this session stays
    access.accounts().changePassword(session.accountId(), in.getString("currentPassword"),
            in.getString("newPassword"), clientAddress.of(rc))
        .compose(account -> access.sessions().closeOthers(session.accountId(), AccessGuard.credential(rc).token()))
        .onSuccess(v -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  private void setUpFirstAdmin(RoutingContext rc) {
    JsonObject in = rc.body().asJsonObject();
    NewAccount admin = new NewAccount(in.getString("username"), in.getString("displayName").trim(),
        in.getString("password"), List.of(new RoleGrant(Role.ADMIN, null)));
    JsonReply.send(rc, 201, access.setup().complete(in.getString("code"), admin)
        .compose(account -> {
          onSetupComplete.run();
          return openCookieSession(rc, account.principal(null), account.id());
        })
        .compose(issued -> recorded(rc, 201, issued, true))
        .map(issued -> sessionJson(issued.principal(), issued.csrfToken(), issued.expiresAt(), false)));
  }

  /**
   * A new session is handed out only once its sign-in is in the audit log: when the record cannot be written, the
   * session is closed again (and its {@code cookie}, when it has one, cleared) and the request fails with a 503.
   */
  private Future<IssuedSession> recorded(RoutingContext rc, int status, IssuedSession issued, boolean cookie) {
    return AuditTrail.recordBeforeAnswer(rc, status).map(issued).recover(err -> {
      if (cookie) rc.response().addCookie(clearedCookie());
      return access.sessions().close(issued.token())
          .transform(closed -> Future.failedFuture(new Problems.AuditUnavailable(err)));
    });
  }

  private JsonObject sessionJson(Principal caller, String csrfToken, Instant expiresAt, boolean setupNeeded) {
    JsonObject out = new JsonObject()
        .put("signedIn", !(caller instanceof Principal.Anonymous))
        .put("kind", caller.kind())
        .put("signInMethods", new JsonObject().put("local", true).put("oidc", oidcSignIn))
        .put("setupNeeded", setupNeeded);
    if (caller instanceof Principal.Staff s) out.put("user", userJson(s));
    if (caller instanceof Principal.Device d) {
      out.put("device", new JsonObject().put("id", d.id()).put("siteId", d.siteId())
          .put("kind", d.deviceKind().wire()).put("name", d.name()));
    }
    if (csrfToken != null) out.put("csrfToken", csrfToken);
    if (expiresAt != null) out.put("expiresAt", expiresAt.toString());
    return out;
  }

  /** The signed-in staff member as the UIs show them: name and roles per site. */
  private static JsonObject userJson(Principal.Staff s) {
    JsonArray roles = new JsonArray();
    s.rolesBySite().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        e.getValue().stream().sorted().forEach(role -> {
          JsonObject grant = new JsonObject().put("role", role.wire());
          if (!Principal.ALL_SITES.equals(e.getKey())) grant.put("siteId", e.getKey());
          roles.add(grant);
        }));
    return new JsonObject().put("id", s.id()).put("username", s.username()).put("displayName", s.name())
        .put("source", s.source()).put("roles", roles);
  }

  /** An admin's view of a local account. */
  static JsonObject accountJson(StaffAccount a) {
    JsonArray roles = new JsonArray();
    for (RoleGrant g : a.roles()) {
      JsonObject grant = new JsonObject().put("role", g.role().wire());
      if (g.siteId() != null) grant.put("siteId", g.siteId());
      roles.add(grant);
    }
    return new JsonObject().put("id", a.id().toString()).put("username", a.username())
        .put("displayName", a.displayName()).put("roles", roles).put("disabled", a.disabled())
        .put("lockedUntil", a.lockedUntil() == null ? null : a.lockedUntil().toString())
        .put("locks", new JsonArray(a.locks().stream().map(l -> new JsonObject().put("address", l.address())
            .put("until", l.until().toString())).toList()))
        .put("lastSignInAt", a.lastSignInAt() == null ? null : a.lastSignInAt().toString())
        .put("createdAt", a.createdAt() == null ? null : a.createdAt().toString());
  }

  private Cookie sessionCookie(String token) {
    return Cookie.cookie(AccessGuard.COOKIE, token).setPath("/").setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie);
  }

  private Cookie clearedCookie() {
    return sessionCookie("").setMaxAge(0);
  }
}
