package io.waitline.edge.pages;

import io.waitline.edge.pipeline.Problems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * The four web faces — patient phone, waiting-room TV, front desk, kiosk — the admin and first-start setup pages, and
 * an index, served as plain files from {@code webroot} under a strict Content-Security-Policy: scripts, styles and
 * connections to this server only. Each page checks its own credential through the API; the files hold no data.
 */
public final class WebPages {
  private static final String ROOT = "webroot/";
  private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.\\-]+(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?$");
  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{20,64}$");
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
      + " font-src 'self'; media-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none';"
      + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'; connect-src 'self'";

  private WebPages() {}

  /** Adds the page routes, and the policy headers to every page and static file; call before the static handler. */
  public static void mount(Router root) {
    // pages and static files answer GET/HEAD only, so a wrong method on an API path stays a 405
    root.route("/*").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(WebPages::policy);
    root.get("/").handler(rc -> page(rc, "index.html"));
    root.get("/visit/:token").handler(rc -> page(rc, "patient.html"));
    root.get("/visit/:token/manifest.webmanifest").handler(WebPages::visitManifest);
    root.get("/tv/:siteId").handler(rc -> page(rc, "tv.html"));
    root.get("/desk/:siteId").handler(rc -> page(rc, "desk.html"));
    root.get("/kiosk/:siteId").handler(rc -> page(rc, "kiosk.html"));
    root.get("/admin").handler(rc -> page(rc, "admin.html"));
    root.get("/setup").handler(rc -> page(rc, "setup.html"));
    root.get("/receipts/:token").handler(rc -> page(rc, "receipt.html"));
    root.get("/payments/:siteId").handler(rc -> page(rc, "payments.html"));
    root.get("/insights/:siteId").handler(rc -> page(rc, "insights.html"));
  }

  private static void page(RoutingContext rc, String file) {
    rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .sendFile(ROOT + file);
  }

  /** Self only; WebSockets to this same host are named too, for browsers whose 'self' does not cover ws:/wss:. */
  private static void policy(RoutingContext rc) {
    String path = rc.request().path();
    if (!path.startsWith("/api/") && !path.startsWith("/ws/")) {
      var authority = rc.request().authority(); // Host, or :authority over HTTP/2
      String host = authority == null ? null
          : authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
      String connect = host != null && HOST.matcher(host).matches() ? " ws://" + host + " wss://" + host : "";
      rc.response()
          .putHeader("Content-Security-Policy", POLICY + connect)
          .putHeader("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()");
    }
    rc.next();
  }

  /** The patient's installed app opens their own visit, so the manifest names the link it was installed from. */
  private static void visitManifest(RoutingContext rc) {
    String token = rc.pathParam("token");
    if (!TOKEN.matcher(token).matches()) {
      Problems.byStatus(rc, 404);
      return;
    }
    JsonObject manifest = new JsonObject()
        .put("name", "Waitline — my place in the queue")
        .put("short_name", "Waitline")
        .put("id", "/visit/")
        .put("start_url", "/visit/" + token)
        .put("scope", "/visit/")
        .put("display", "standalone")
        .put("background_color", "#ffffff")
        .put("theme_color", "#0b3d66")
        .put("icons", new JsonArray()
            .add(new JsonObject().put("src", "/icons/waitline.svg").put("sizes", "any")
                .put("type", "image/svg+xml").put("purpose", "any"))
            .add(new JsonObject().put("src", "/icons/waitline-maskable.svg").put("sizes", "any")
                .put("type", "image/svg+xml").put("purpose", "maskable")));
    rc.response().putHeader("Content-Type", "application/manifest+json").putHeader("Cache-Control", "no-cache")
        .end(manifest.encode());
  }
}
