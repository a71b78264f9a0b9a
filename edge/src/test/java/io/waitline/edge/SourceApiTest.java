package io.waitline.edge;

import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.rest.SyncApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The appointment-source API over HTTP: secrets are write-only, bad input is a 4xx sentence, a failing source a 502. */
class SourceApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  static JsonObject source(String name) {
    return new JsonObject().put("kind", "fhir-r4").put("name", name).put("baseUrl", "http://127.0.0.1:9/fhir")
        .put("auth", new JsonObject().put("type", "basic").put("username", "waitline").put("password", "pw-SECRET-1"))
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL))
        .put("subscription", new JsonObject().put("secret", "subscription-SECRET-2"));
  }

  static HttpResponse<Buffer> post(String path, JsonObject body) {
    return app.staff(HttpMethod.POST, path).sendJsonObject(body).await();
  }

  static JsonObject problem(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith(Problems.CONTENT_TYPE);
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("detail")).matches("^[A-Z].*[.]$");
    return p;
  }

  @Test
  void secretsAreNeitherAnsweredNorWrittenToTheAuditLog() {
    HttpResponse<Buffer> created = post("/api/v1/sites/" + SITE + "/sources", source("OpenMRS"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    String listed = app.staff(HttpMethod.GET, "/api/v1/sites/" + SITE + "/sources").send().await().bodyAsString();
    String read = app.staff(HttpMethod.GET, "/api/v1/sources/" + id).send().await().bodyAsString();
    String audit = app.staff(HttpMethod.GET, "/api/v1/audit?siteId=" + SITE).send().await().bodyAsString();

    for (String answer : new String[] {created.bodyAsString(), listed, read, audit}) {
      assertThat(answer).doesNotContain("pw-SECRET-1", "subscription-SECRET-2");
    }
    assertThat(created.bodyAsJsonObject().getJsonObject("auth"))
        .isEqualTo(new JsonObject().put("type", "basic").put("username", "waitline"));
    assertThat(created.bodyAsJsonObject().getJsonObject("subscription").getBoolean("secretSet")).isTrue();
    assertThat(new JsonObject(audit).getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("action")))
        .contains("createSource", "getSource", "listSources");
  }

  @Test
  void badSourceDefinitionsAndIdsAre4xxProblemsWithASentence() {
    String sources = "/api/v1/sites/" + SITE + "/sources";
    problem(post(sources, source("X").put("colour", "blue")), 400);
    problem(post(sources, source("X").put("kind", "hl7v2")), 400);
    assertThat(problem(post(sources, source("X").put("mapping", new JsonObject().put("defaultQueue", "nowhere"))), 422)
        .getString("detail")).isEqualTo("The mapping names queue 'nowhere', which does not exist at site clinic.");
    problem(post(sources, source("X").put("auth", new JsonObject().put("type", "bearer"))), 422);
    problem(app.staff(HttpMethod.GET, "/api/v1/sources/not-a-uuid").send().await(), 400);
    problem(app.staff(HttpMethod.GET, "/api/v1/sources/00000000-0000-0000-0000-000000000000").send().await(), 404);
    problem(post("/api/v1/dead-letters/00000000-0000-0000-0000-000000000000/replay", new JsonObject()), 404);
  }

  @Test
  void syncingASourceThatCannotBeReachedIsA502SayingWhatTheSourceDid() {
    String id = post("/api/v1/sites/" + SITE + "/sources", source("Down")).bodyAsJsonObject().getString("id");

    JsonObject p = problem(post("/api/v1/sources/" + id + "/sync", new JsonObject()), 502);

    assertThat(p.getString("detail")).isEqualTo("The FHIR server could not be reached or did not answer in time.");
    JsonObject health = app.staff(HttpMethod.GET, "/api/v1/sources/" + id + "/health").send().await().bodyAsJsonObject();
    assertThat(health.getString("state")).isEqualTo("DOWN");
    JsonArray desk = app.staff(HttpMethod.GET, "/api/v1/sites/" + SITE + "/source-status").send().await()
        .bodyAsJsonArray();
    assertThat(desk.stream().map(o -> ((JsonObject) o).getString("name"))).contains("Down");
  }

  @Test
  void subscriptionNotificationsNeedTheSourcesSecret() {
    String id = post("/api/v1/sites/" + SITE + "/sources", source("Push")).bodyAsJsonObject().getString("id");
    String path = "/fhir/r4/subscriptions/" + id;

    problem(app.anonymous(HttpMethod.POST, path).sendBuffer(Buffer.buffer("")).await(), 403);
    problem(app.anonymous(HttpMethod.POST, path).putHeader(SyncApi.SECRET_HEADER, "wrong-wrong-wrong-wrong")
        .sendBuffer(Buffer.buffer("")).await(), 403);
    problem(app.anonymous(HttpMethod.POST, "/fhir/r4/subscriptions/00000000-0000-0000-0000-000000000000")
        .putHeader(SyncApi.SECRET_HEADER, "subscription-SECRET-2").sendBuffer(Buffer.buffer("")).await(), 404);
    problem(app.anonymous(HttpMethod.POST, path).putHeader(SyncApi.SECRET_HEADER, "subscription-SECRET-2")
        .sendBuffer(Buffer.buffer("{\"resourceType\":")).await(), 422);

    HttpResponse<Buffer> ok = app.anonymous(HttpMethod.POST, path)
        .putHeader(SyncApi.SECRET_HEADER, "subscription-SECRET-2").sendBuffer(Buffer.buffer("")).await();

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("action")).isEqualTo("catch-up");
  }
}
