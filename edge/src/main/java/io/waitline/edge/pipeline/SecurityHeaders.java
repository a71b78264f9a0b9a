package io.waitline.edge.pipeline;

import io.vertx.ext.web.RoutingContext;

/**
 * Headers every answer carries: no MIME sniffing, no referrer, no framing, HSTS when the server speaks TLS. API
 * answers also forbid caching (they hold patient data and credentials) and get a policy that loads nothing; pages
 * keep the fuller Content-Security-Policy of {@code WebPages}, which also says {@code frame-ancestors 'none'}.
 */
public final class SecurityHeaders {
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
  static final String HSTS = "max-age=31536000; includeSubDomains";

  private final boolean tls;

  /** {@code tls}: the server is reached over HTTPS (its own TLS or an https public URL). */
  public SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  public void handle(RoutingContext rc) {
    var headers = rc.response().headers();
    headers.set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY");
    if (tls) headers.set("Strict-Transport-Security", HSTS);
    if (rc.request().path().startsWith("/api/")) {
      headers.set("Content-Security-Policy", API_POLICY).set("Cache-Control", "no-store");
    }
    rc.next();
  }
}
