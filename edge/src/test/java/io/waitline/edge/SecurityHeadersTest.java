package io.waitline.edge;

import io.waitline.edge.pipeline.SecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The headers that keep browsers from framing, sniffing, caching or leaking what the server answers. */
class SecurityHeadersTest {
  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static HttpResponse<Buffer> get(String path) {
    return app.anonymous(HttpMethod.GET, path).send().await();
  }

  private static void assertCommonHeaders(HttpResponse<Buffer> r) {
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(r.getHeader("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void apiAnswersMayNotBeFramedSniffedOrStored() {
    HttpResponse<Buffer> r = get("/api/v1/sites/" + TestApp.SITE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertCommonHeaders(r);
    assertThat(r.getHeader("Content-Security-Policy")).contains("frame-ancestors 'none'")
        .contains("default-src 'none'");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void refusalsAndErrorsOfTheApiCarryTheSameHeaders() {
    for (String path : new String[] {"/api/v1/sites", "/api/v1/queues/no-such-queue", "/api/v1/nothing-here"}) {
      HttpResponse<Buffer> r = get(path);
      assertThat(r.statusCode()).as(path).isBetween(400, 499);
      assertCommonHeaders(r);
      assertThat(r.getHeader("Cache-Control")).as(path).isEqualTo("no-store");
      assertThat(r.getHeader("Content-Security-Policy")).as(path).contains("frame-ancestors 'none'");
    }
  }

  @Test
  void pagesKeepTheirOwnPolicyWhichAlsoForbidsFraming() {
    HttpResponse<Buffer> r = get("/tv/" + TestApp.SITE);

    assertThat(r.statusCode()).isEqualTo(200);
    assertCommonHeaders(r);
    assertThat(r.headers().getAll("Content-Security-Policy")).hasSize(1);
    assertThat(r.getHeader("Content-Security-Policy")).contains("default-src 'self'").contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    // pages may be revalidated from cache; only API answers hold data that must never be stored
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
  }

  @Test
  void withoutTlsThereIsNoStrictTransportSecurity() {
    assertThat(get("/api/v1/sites/" + TestApp.SITE).getHeader("Strict-Transport-Security")).isNull();
    assertThat(get("/").getHeader("Strict-Transport-Security")).isNull();
  }

  @Test
  void withTlsBrowsersAreToldToUseHttpsForAYearIncludingSubdomains() {
    Router router = Router.router(app.vertx);
    router.route().order(-1).handler(new SecurityHeaders(true)::handle);
    router.get("/api/v1/ping").handler(rc -> rc.json(new io.vertx.core.json.JsonObject().put("ok", true)));
    router.get("/page").handler(rc -> rc.end("<p>hi</p>"));
    HttpServer server = app.vertx.createHttpServer().requestHandler(router).listen(0).await();
    WebClient client = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(server.actualPort()));
    try {
      for (String path : new String[] {"/api/v1/ping", "/page"}) {
        HttpResponse<Buffer> r = client.get(path).send().await();
        assertThat(r.getHeader("Strict-Transport-Security")).as(path).isEqualTo("max-age=31536000; includeSubDomains");
        assertCommonHeaders(r);
      }
    } finally {
      client.close();
      server.close().await();
    }
  }
}
