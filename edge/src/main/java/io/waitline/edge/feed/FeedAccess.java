package io.waitline.edge.feed;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.access.AccessException;
import io.waitline.access.Principal;
import io.waitline.edge.pipeline.AccessGuard;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.Problems;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * Who may open which view of a queue or site feed, and whether they still may. {@code view=display} needs a display
 * device of the site or staff with a role there; {@code view=staff} (patient names) needs front-desk, clinician or
 * manager there (or admin), and is written to the audit log. Upgrades authenticated by the session cookie must come
 * from this server's own pages (Origin), so another web site cannot open a feed with a signed-in browser's cookie.
 */
final class FeedAccess {
  private static final List<String> DISPLAY_VIEW = List.of("display", "staff");
  private static final List<String> STAFF_VIEW = List.of("front-desk", "clinician", "manager");

  private final AccessGuard guard;
  private final AuditTrail audit;
  private final String publicUrl;

  FeedAccess(AccessGuard guard, AuditTrail audit, String publicUrl) {
    this.guard = guard;
    this.audit = audit;
    this.publicUrl = publicUrl;
  }

  /** Whether the request asks for the staff view ({@code view=staff}) rather than the display view (the default). */
  static boolean staffView(RoutingContext rc) {
    String view = rc.request().getParam("view");
    if (view == null || view.equals("display")) return false;
    if (!view.equals("staff")) throw new Problems.BadRequest("view must be 'staff' or 'display'.");
    return true;
  }

  /**
   * Whether the caller may open this view of a feed of the site {@code site} yields; a staff view is written to the
   * audit log with {@code detail}. Yields the site id, or fails with the 401/403 to refuse the upgrade with.
   */
  Future<String> allowed(RoutingContext rc, boolean staff, Supplier<Future<String>> site, JsonObject detail) {
    List<String> access = staff ? STAFF_VIEW : DISPLAY_VIEW;
    return guard.authenticate(rc, true).compose(caller -> {
      if (caller instanceof Principal.Anonymous) return Future.failedFuture(AccessGuard.refuse(access, caller, null));
      AccessGuard.Credential credential = AccessGuard.credential(rc);
      if (credential.source() == AccessGuard.Source.COOKIE && !sameOrigin(rc)) {
        return Future.failedFuture(new AccessException(AccessException.Refusal.FORBIDDEN, "forbidden",
            "This live feed may only be opened from " + publicUrl + "'s own pages."));
      }
      return site.get().compose(siteId -> {
        Caller.site(rc, siteId);
        AccessException refused = AccessGuard.refuse(access, caller, siteId);
        if (refused != null) return Future.failedFuture(refused);
        if (staff) audit.record(rc, "openStaffFeed", 101, detail.put("view", "staff"));
        return Future.succeededFuture(siteId);
      });
    });
  }

  /**
   * What the credential that opened this feed must keep allowing: checked every heartbeat period, so that signing
   * out, an expired session, a disabled account, a removed role or a device revoked on another node closes the feed
   * within one heartbeat. Call after {@link #allowed} succeeded.
   */
  CredentialChecks.Grant grant(RoutingContext rc, boolean staff) {
    List<String> access = staff ? STAFF_VIEW : DISPLAY_VIEW;
    String siteId = Caller.site(rc);
    return new CredentialChecks.Grant(AccessGuard.credential(rc), guard::recheck,
        p -> AccessGuard.refuse(access, p, siteId) == null);
  }

  /** The upgrade's Origin is this server: its public URL, or the scheme and host the request was sent to. */
  private boolean sameOrigin(RoutingContext rc) {
    String origin = rc.request().getHeader("Origin");
    if (origin == null) return false;
    try {
      URI o = URI.create(origin);
      URI own = URI.create(publicUrl);
      if (o.getRawAuthority() == null) return false;
      boolean publicOrigin = o.getScheme().equalsIgnoreCase(own.getScheme())
          && o.getRawAuthority().equalsIgnoreCase(own.getRawAuthority());
      if (publicOrigin) return true;
      // the host the request was sent to, over the scheme it was sent with (an https page may not use an http feed)
      String host = rc.request().getHeader("Host");
      String scheme = rc.request().isSSL() ? "https" : "http";
      return host != null && o.getRawAuthority().equalsIgnoreCase(host) && scheme.equalsIgnoreCase(o.getScheme());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
