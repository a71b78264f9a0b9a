package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.store.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What operators and API clients rely on: health, readiness, Prometheus metrics and the served contract. */
class OperationsEndpointsTest {
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

  @Test
  void livenessIsUpWithoutCredentials() {
    HttpResponse<Buffer> r = get("/health/live");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Test
  void readinessIsUpWhenTheDatabaseAnswers() {
    HttpResponse<Buffer> r = get("/health/ready");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(r.bodyAsJsonObject().getString("database")).isEqualTo("UP");
  }

  @Test
  void readinessIsDownWhenTheDatabaseDoesNot() {
    // a second edge whose pool points at a port where no database listens
    Pool nowhere = TestDatabase.pool(app.vertx, new PgConnectOptions().setHost("localhost").setPort(1)
        .setDatabase("none").setUser("postgres").setPassword("postgres"), 1);
    var router = EdgeRouter.router(app.vertx, nowhere, app.commands, app.settings).await();
    HttpServer server = app.vertx.createHttpServer().requestHandler(router).listen(0).await();
    try {
      HttpResponse<Buffer> r = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("localhost")
          .setDefaultPort(server.actualPort())).get("/health/ready").send().await();
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("DOWN");
    } finally {
      server.close().await();
      nowhere.close().await();
    }
  }

  @Test
  void metricsArePrometheusText() {
    get("/health/live"); // at least one request to count
    HttpResponse<Buffer> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(r.bodyAsString()).contains("# TYPE ").contains("vertx_http_server_");
  }

  @Test
  void theContractIsServedWithItsTrueProblemMediaType() {
    HttpResponse<Buffer> r = get("/openapi.yaml");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
    Map<String, Object> doc = new Yaml().load(r.bodyAsString());
    assertThat(doc.get("openapi")).isEqualTo("3.1.0");
    @SuppressWarnings("unchecked")
    Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
    assertThat(paths).containsKey("/api/v1/queues/{queueId}/check-ins");
    assertThat(r.bodyAsString()).contains("application/problem+json");
  }

  @Test
  void responsesCarrySecurityHeaders() {
    HttpResponse<Buffer> r = get("/health/live");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.getHeader("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
  }

  @Test
  void readinessDoesNotNeedCredentialsAndExposesNoDatabaseDetails() {
    JsonObject body = get("/health/ready").bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("status", "database");
  }
}
