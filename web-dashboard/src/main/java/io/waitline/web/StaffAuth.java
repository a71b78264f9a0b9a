package io.waitline.web;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Interim staff credential: one bearer token that holds every staff role, until sign-in with accounts and OIDC
 * replaces it. Each route states the roles it needs; this class decides whether the caller has one of them.
 */
public final class StaffAuth {
  /** Roles a staff credential may hold. {@code admin} may do everything. */
  public static final List<String> STAFF_ROLES = List.of("front-desk", "clinician", "manager", "admin");

  private final byte[] token;

  public StaffAuth(String token) {
    if (token == null || token.length() < 16) {
      throw new IllegalArgumentException("the staff token must be at least 16 characters");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Fails the request with 401/403 unless it carries a staff credential with one of {@code roles}. The token comes
   * from {@code Authorization: Bearer}, or {@code access_token} in the query for WebSockets (browsers cannot set
   * headers there).
   */
  public void require(RoutingContext rc, List<String> roles) {
    String presented = presented(rc);
    if (presented == null) {
      throw new Problems.AccessDenied(401, "This needs a staff sign-in: send Authorization: Bearer <token>.");
    }
    if (!MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new Problems.AccessDenied(401, "The staff token is not valid.");
    }
    // the interim token holds every role, so any role requirement is met
    rc.put("actor", "staff:admin-token");
  }

  private static String presented(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
    return rc.request().getParam("access_token");
  }
}
