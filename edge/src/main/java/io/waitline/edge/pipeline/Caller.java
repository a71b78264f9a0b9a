package io.waitline.edge.pipeline;

import io.vertx.ext.web.RoutingContext;
import io.waitline.access.Principal;
import java.util.UUID;

/**
 * What the access guard learned about a request, kept on its {@link RoutingContext} for handlers and the audit trail:
 * who is calling, which site the request is about, and which patient entry it touched.
 */
public final class Caller {
  private static final String PRINCIPAL = "waitline.principal";
  private static final String SITE = "waitline.site";
  private static final String ENTRY = "waitline.entry";

  private Caller() {}

  /** The caller; {@link Principal#ANONYMOUS} until the guard has run or when no credential was sent. */
  public static Principal of(RoutingContext rc) {
    Principal p = rc.get(PRINCIPAL);
    return p == null ? Principal.ANONYMOUS : p;
  }

  public static void set(RoutingContext rc, Principal principal) {
    rc.put(PRINCIPAL, principal);
  }

  /** The site the request is about, or null when it is about no one site. */
  public static String site(RoutingContext rc) {
    return rc.get(SITE);
  }

  public static void site(RoutingContext rc, String siteId) {
    rc.put(SITE, siteId);
  }

  /** The patient entry the request read or changed, for the audit log; null when none. */
  public static UUID entry(RoutingContext rc) {
    return rc.get(ENTRY);
  }

  public static void entry(RoutingContext rc, UUID entryId) {
    rc.put(ENTRY, entryId);
  }
}
