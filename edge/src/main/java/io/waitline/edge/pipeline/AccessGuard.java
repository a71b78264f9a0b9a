package io.waitline.edge.pipeline;

import io.waitline.access.AccessException.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.AccessRule;
import io.waitline.access.ActiveSession;
import io.waitline.access.DeviceRecord;
import io.waitline.access.Devices;
import io.waitline.access.Principal;
import io.waitline.access.Sessions;
import io.waitline.notify.Notifications;
import io.waitline.pay.Payments;
import io.waitline.queue.command.QueueCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Resolves the caller of a request once (session cookie, {@code wls_} session/API token, {@code wld_} device token,
 * or an identity provider's access token), works out which site the request is about, and applies
 * {@link AccessRule} to the operation's {@code x-waitline-access} list. A credential that is presented but not valid
 * is a 401, never a silent fall-back to anonymous, except on public and patient operations, which need none.
 */
public final class AccessGuard {
  public static final String COOKIE = "waitline_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String SESSION = "waitline.session";
  private static final String CREDENTIAL = "waitline.credential";
  /** The caller once a request's credential has been checked, so that it is checked once. */
  private static final String AUTHENTICATED = "waitline.authenticated";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final int MAX_CACHED_QUEUES = 10_000;

  /** Where the credential came from: the session cookie, the Authorization header, or a WebSocket's query. */
  public enum Source { COOKIE, BEARER, QUERY }

  /** The credential a request presented. */
  public record Credential(Source source, String token) {}

  /** Checks a bearer token that is neither ours nor a device's: an identity provider's access token. */
  @FunctionalInterface
  public interface BearerValidator {
    Future<Principal.Staff> validate(String accessToken);
  }

  private final QueueCommands commands;
  private final Notifications notifications;
  private final Payments payments;
  private final Sessions sessions;
  private final Devices devices;
  private final CredentialCache credentials;
  private final BearerValidator identityProvider;
  private final Map<String, java.util.function.Function<String, Future<String>>> siteResolvers =
      new LinkedHashMap<>();
  private final Map<String, java.util.function.Function<String, Future<String>>> siteByQuery = new LinkedHashMap<>();
  /** A queue never moves to another site, so its site is remembered (bounded, least recently used first out). */
  private final Map<String, String> siteOfQueue = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_CACHED_QUEUES;
        }
      });

  /**
   * @param notifications null when the notifications module is absent (its operations then answer 404)
   * @param payments null when the payment-gateway module is absent (its operations then answer 404)
   * @param identityProvider null when no OpenID Connect provider is configured
   */
  public AccessGuard(QueueCommands commands, Notifications notifications, Payments payments, Sessions sessions,
      Devices devices, CredentialCache credentials, BearerValidator identityProvider) {
    this.commands = commands;
    this.notifications = notifications;
    this.payments = payments;
    this.sessions = sessions;
    this.devices = devices;
    this.credentials = credentials;
    this.identityProvider = identityProvider;
  }

  /**
   * Teaches the guard the site of requests about another module's resources: {@code resolver} maps the path
   * parameter's value to its site (and fails with that module's not-found when there is none).
   */
  public AccessGuard siteFrom(String pathParam, java.util.function.Function<String, Future<String>> resolver) {
    siteResolvers.put(pathParam, resolver);
    return this;
  }

  /**
   * As {@link #siteFrom}, for requests that name the resource in a query parameter (FHIR searches name their queue in
   * {@code location}); path parameters are looked at first.
   */
  public AccessGuard siteFromQuery(String queryParam, java.util.function.Function<String, Future<String>> resolver) {
    siteByQuery.put(queryParam, resolver);
    return this;
  }

  /**
   * The handler that runs before the request is validated against the contract: an operation that needs a credential
   * refuses a request without a valid one (401) here, so anonymous callers never get their input examined (and learn
   * nothing from how it is refused). Whether the caller may do this at this site is {@link #forOperation}'s question.
   */
  public Handler<RoutingContext> signedIn(OperationPolicy policy) {
    List<String> access = policy.access();
    if (access.contains("public") || access.contains("patient")) return RoutingContext::next;
    return rc -> authenticate(rc, false).onSuccess(caller -> {
      if (caller instanceof Principal.Anonymous) rc.fail(refuse(access, caller, null));
      else rc.next();
    }).onFailure(rc::fail);
  }

  /**
   * The handler that runs before the operation the contract declares as {@code policy}: its access list, and the
   * body property naming a second queue whose site the caller needs access at too (a transfer's target).
   */
  public Handler<RoutingContext> forOperation(OperationPolicy policy) {
    List<String> access = policy.access();
    boolean open = access.contains("public") || access.contains("patient");
    if (open) {
      return rc -> {
        if (rc.pathParam("siteId") != null) Caller.site(rc, rc.pathParam("siteId"));
        // no credential is needed here; one that does not hold (e.g. a stale cookie on a patient's page) is ignored
        authenticate(rc, false).onComplete(ar -> rc.next());
      };
    }
    return rc -> authenticate(rc, false)
        .compose(caller -> {
          if (caller instanceof Principal.Anonymous) return Future.succeededFuture(refuse(access, caller, null));
          return siteOf(rc).compose(site -> {
            Caller.site(rc, site);
            if (policy.alsoQueue() == null) return Future.succeededFuture(refuse(access, caller, site));
            AccessException here = refuse(access, caller, site);
            if (here != null) return Future.succeededFuture(here);
            // the operation changes a second queue too (a transfer's target): the caller needs the role there as well
            JsonObject body = rc.body().asJsonObject();
            String target = body == null ? null : body.getString(policy.alsoQueue());
            if (target == null) return Future.succeededFuture((AccessException) null);
            return siteOfQueue(target).map(targetSite -> refuse(access, caller, targetSite));
          });
        })
        .onSuccess(refusal -> {
          if (refusal == null) rc.next();
          else rc.fail(refusal);
        })
        .onFailure(rc::fail);
  }

  /** {@link AccessRule}'s refusal as the 401/403 to answer with, or null when the caller is allowed. */
  public static AccessException refuse(List<String> access, Principal caller, String site) {
    AccessRule.Decision d = AccessRule.decide(access, caller, site);
    if (d.allowed()) return null;
    return new AccessException(d.refusal(), d.refusal() == Refusal.UNAUTHENTICATED ? "unauthenticated" : "forbidden",
        d.reason());
  }

  /**
   * Who is calling, from the request's credential; {@link Principal#ANONYMOUS} when it presents none. Fails with a
   * 401 {@link AccessException} when the credential is not valid (unknown, expired, revoked) and with a 403 when a
   * change made with the session cookie lacks the session's CSRF token. {@code allowQueryToken}: WebSockets may send
   * the token as {@code access_token} (browsers cannot set headers there).
   */
  public Future<Principal> authenticate(RoutingContext rc, boolean allowQueryToken) {
    Principal known = rc.get(AUTHENTICATED);
    if (known != null) return Future.succeededFuture(known);
    Credential credential;
    try {
      credential = credential(rc, allowQueryToken);
    } catch (AccessException e) {
      return Future.failedFuture(e);
    }
    if (credential == null) {
      rc.put(AUTHENTICATED, Principal.ANONYMOUS);
      return Future.succeededFuture(Principal.ANONYMOUS);
    }
    return principal(rc, credential).map(p -> {
      rc.put(AUTHENTICATED, p);
      Caller.set(rc, p);
      rc.put(CREDENTIAL, credential);
      rc.put("actor", p.kind() + ":" + (p instanceof Principal.Staff s ? s.username() : p.id()));
      return p;
    });
  }

  /** The session behind the request's cookie or {@code wls_} token, or null (device, identity provider, none). */
  public static ActiveSession session(RoutingContext rc) {
    return rc.get(SESSION);
  }

  /** The credential the guard accepted for this request, or null when it had none. */
  public static Credential credential(RoutingContext rc) {
    return rc.get(CREDENTIAL);
  }

  private static Credential credential(RoutingContext rc, boolean allowQueryToken) {
    String header = rc.request().getHeader("Authorization");
    if (header != null) {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
        throw unauthenticated("Send the credential as Authorization: Bearer <token>; other schemes are not accepted.");
      }
      return new Credential(Source.BEARER, header.substring(7).trim());
    }
    String query = allowQueryToken ? rc.request().getParam("access_token") : null;
    if (query != null && !query.isBlank()) return new Credential(Source.QUERY, query.trim());
    Cookie cookie = rc.request().getCookie(COOKIE);
    if (cookie != null && !cookie.getValue().isBlank()) return new Credential(Source.COOKIE, cookie.getValue());
    return null;
  }

  /**
   * Checks again a credential accepted earlier, without counting as a use (a long-lived feed does so on every
   * heartbeat, so that signing out, disabling an account or revoking a device ends its feeds too).
   */
  public Future<Principal> recheck(Credential c) {
    return resolve(c, false).map(Resolved::principal);
  }

  /** A credential's principal, and its session when it is one of ours. */
  private record Resolved(Principal principal, ActiveSession session) {}

  private Future<Principal> principal(RoutingContext rc, Credential c) {
    return resolve(c, true).map(r -> {
      if (r.session() == null) return r.principal();
      if (c.source() == Source.COOKIE && !SAFE.contains(rc.request().method()) && !csrfMatches(rc, r.session())) {
        throw new AccessException(Refusal.FORBIDDEN, "csrf", "This change was sent without the page's security token ("
            + CSRF_HEADER + "); reload the page and try again.");
      }
      rc.put(SESSION, r.session());
      return r.principal();
    });
  }

  /** {@code use}: whether this counts as activity that keeps an idle session alive. */
  private Future<Resolved> resolve(Credential c, boolean use) {
    String token = c.token();
    if (token.startsWith("wls_")) {
      Future<Optional<ActiveSession>> lookup = use
          ? credentials.lookup(token, () -> sessions.find(token), ActiveSession::expiresAt)
          : sessions.check(token);
      return lookup.map(found -> {
        ActiveSession s = found.orElseThrow(() -> unauthenticated(c.source() == Source.COOKIE
            ? "Your session has ended; please sign in again."
            : "This token has expired or was revoked; sign in for a new one."));
        return new Resolved(s.principal(), s);
      });
    }
    if (c.source() == Source.COOKIE) {
      return Future.failedFuture(unauthenticated("Your session has ended; please sign in again."));
    }
    if (token.startsWith("wld_")) {
      Future<Optional<Principal.Device>> lookup = use
          ? credentials.lookup(token, () -> devices.find(token), device -> null)
          : devices.find(token);
      return lookup.map(found -> new Resolved(found.orElseThrow(() -> unauthenticated(
          "This device token is not valid or the device was revoked; pair the device again.")), null));
    }
    if (identityProvider == null) {
      return Future.failedFuture(unauthenticated("This token was not issued by this server; sign in for a new one."));
    }
    Future<Principal.Staff> valid = identityProvider.validate(token).recover(err ->
        Future.failedFuture(err instanceof AccessException ? err : unauthenticated("The identity provider's token is "
            + "not valid or has expired; sign in again.")));
    return valid.compose(staff -> {
      // a token signed out of Waitline stays valid at the provider until it expires, but not here
      Future<Optional<Boolean>> open = use
          ? credentials.lookup(token, () -> openHere(token), accepted -> staff.expiresAt())
          : openHere(token);
      return open.map(found -> new Resolved(found.map(o -> staff).orElseThrow(() -> unauthenticated(
          "This identity provider's token was signed out of Waitline; sign in again for a new one.")), null));
    });
  }

  /** Present when an identity provider's token has not been signed out of Waitline. */
  private Future<Optional<Boolean>> openHere(String token) {
    return sessions.providerTokenClosed(token).map(closed -> closed ? Optional.empty() : Optional.of(true));
  }

  private static boolean csrfMatches(RoutingContext rc, ActiveSession s) {
    String sent = rc.request().getHeader(CSRF_HEADER);
    return sent != null && s.csrfToken() != null && MessageDigest.isEqual(
        sent.getBytes(StandardCharsets.UTF_8), s.csrfToken().getBytes(StandardCharsets.UTF_8));
  }

  private static AccessException unauthenticated(String sentence) {
    return new AccessException(Refusal.UNAUTHENTICATED, "unauthenticated", sentence);
  }

  /** The site a request is about, from its path: the site itself, or the site of its queue, entry, message or device. */
  private Future<String> siteOf(RoutingContext rc) {
    String site = rc.pathParam("siteId");
    if (site != null) return Future.succeededFuture(site);
    String queue = rc.pathParam("queueId");
    if (queue != null) return siteOfQueue(queue);
    String entry = rc.pathParam("entryId");
    if (entry != null) {
      UUID id = uuid(entry, "entry");
      Caller.entry(rc, id);
      return commands.entry(id).compose(e -> siteOfQueue(e.queueId()));
    }
    String notification = rc.pathParam("notificationId");
    if (notification != null && notifications != null) {
      return notifications.notification(uuid(notification, "notification")).compose(n -> {
        Caller.entry(rc, UUID.fromString(n.getString("entryId")));
        return siteOfQueue(n.getString("queueId"));
      });
    }
    String payment = rc.pathParam("paymentId");
    if (payment != null && payments != null) {
      return payments.whereIs(uuid(payment, "payment")).map(at -> {
        Caller.entry(rc, at.entryId());
        return at.siteId();
      });
    }
    String device = rc.pathParam("deviceId");
    if (device != null) return devices.get(uuid(device, "device")).map(DeviceRecord::siteId);
    for (var resolver : siteResolvers.entrySet()) {
      String value = rc.pathParam(resolver.getKey());
      if (value != null) return resolver.getValue().apply(value);
    }
    for (var resolver : siteByQuery.entrySet()) {
      String value = rc.queryParams().get(resolver.getKey());
      if (value != null) return resolver.getValue().apply(value);
    }
    return Future.succeededFuture(null);
  }

  /** The site of a queue; fails with the queue-core's 404 when there is no such queue. */
  public Future<String> siteOfQueue(String queueId) {
    String known = siteOfQueue.get(queueId);
    if (known != null) return Future.succeededFuture(known);
    return commands.queue(queueId).map(q -> {
      siteOfQueue.put(queueId, q.siteId());
      return q.siteId();
    });
  }

  private static UUID uuid(String value, String what) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new AccessException(Refusal.INVALID, "bad-request",
          "The " + what + " id '" + value + "' is not a valid id.");
    }
  }
}
