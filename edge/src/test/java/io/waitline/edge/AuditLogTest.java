package io.waitline.edge;

import io.waitline.edge.pipeline.AuditTrail;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.waitline.access.AuditLog;
import io.waitline.access.Role;
import io.waitline.queue.store.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every read or change of patient data, and every sign-in attempt, leaves an audit record naming who, what, which
 * patient and the outcome; managers read their own sites' records only; nothing edits or removes a record.
 */
class AuditLogTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  @Test
  void aCheckInAReadAPatientLinkAndAFailedSignInEachLeaveARecord() {
    String desk = app.staffToken(SITE, Role.FRONT_DESK);
    String deskId = session(desk).getJsonObject("user").getString("id");
    String clinician = app.staffToken(SITE, Role.CLINICIAN);
    String clinicianId = session(clinician).getJsonObject("user").getString("id");

    HttpResponse<Buffer> checkedIn = as(desk, HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/check-ins")
        .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", "Theodora Auditson")
            .put("mrn", "MRN-4471"))).await();
    assertThat(checkedIn.statusCode()).as(checkedIn.bodyAsString()).isEqualTo(201);
    String entry = checkedIn.bodyAsJsonObject().getString("id");
    String ticket = checkedIn.bodyAsJsonObject().getString("ticket");
    String link = checkedIn.bodyAsJsonObject().getString("patientLink");
    String visitToken = link.substring(link.lastIndexOf('/') + 1);
    assertThat(as(clinician, HttpMethod.GET, "/api/v1/entries/" + entry).send().await().statusCode()).isEqualTo(200);
    assertThat(app.anonymous(HttpMethod.GET, "/api/v1/visits/" + visitToken).send().await().statusCode())
        .isEqualTo(200);
    String guessed = "who-" + System.nanoTime();
    assertThat(app.anonymous(HttpMethod.POST, "/api/v1/auth/session").sendJsonObject(new JsonObject()
        .put("username", guessed).put("password", "a wrong password")).await().statusCode()).isEqualTo(401);

    JsonObject checkIn = app.auditRecord("entryId=" + entry, r -> r.getString("action").equals("checkIn"));
    assertThat(checkIn.getString("actorKind")).isEqualTo("staff");
    assertThat(checkIn.getString("actorId")).isEqualTo(deskId);
    assertThat(checkIn.getString("siteId")).isEqualTo(SITE);
    assertThat(checkIn.getInteger("outcome")).isEqualTo(201);
    assertThat(checkIn.getString("remoteAddress")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");
    assertThat(checkIn.getJsonObject("patient").getString("name")).isEqualTo("Theodora Auditson");
    assertThat(checkIn.getJsonObject("patient").getString("mrn")).isEqualTo("MRN-4471");
    assertThat(checkIn.getJsonObject("patient").getString("ticket")).isEqualTo(ticket);

    JsonObject read = app.auditRecord("entryId=" + entry, r -> r.getString("action").equals("getEntry"));
    assertThat(read.getString("actorId")).isEqualTo(clinicianId);
    assertThat(read.getInteger("outcome")).isEqualTo(200);

    JsonObject visit = app.auditRecord("entryId=" + entry, r -> r.getString("action").equals("getVisit"));
    assertThat(visit.getString("actorKind")).isEqualTo("patient");
    assertThat(visit.getString("actorId")).isEqualTo(entry);
    assertThat(visit.getString("siteId")).isEqualTo(SITE);
    assertThat(visit.getInteger("outcome")).isEqualTo(200);
    assertThat(visit.encode()).doesNotContain(visitToken);

    JsonObject signIn = app.auditRecord("action=signIn", r -> r.getJsonObject("detail") != null
        && guessed.equals(r.getJsonObject("detail").getString("username")));
    assertThat(signIn.getInteger("outcome")).isEqualTo(401);
    assertThat(signIn.getString("actorKind")).isEqualTo("anonymous");
    assertThat(signIn.encode()).doesNotContain("a wrong password");
  }

  @Test
  void aCallNamesThePatientCalledAndTheRoom() {
    String desk = app.staffToken(SITE, Role.FRONT_DESK);
    String queue = app.newQueue();
    var waiting = app.checkIn(queue, "Cornelius Callwell");

    HttpResponse<Buffer> called = as(desk, HttpMethod.POST, "/api/v1/queues/" + queue + "/call-next")
        .sendJsonObject(new JsonObject().put("calledTo", "Room 7")).await();
    assertThat(called.statusCode()).isEqualTo(200);

    JsonObject record = app.auditRecord("entryId=" + waiting.id(),
        r -> r.getString("action").equals("callNext"));
    assertThat(record.getJsonObject("detail").getString("calledTo")).isEqualTo("Room 7");
    assertThat(record.getJsonObject("detail").getString("queueId")).isEqualTo(queue);
  }

  @Test
  void aRefusedLookAtAPatientIsWrittenDownWithTheRefusal() {
    String otherSite = app.newSite();
    String elsewhere = app.staffToken(otherSite, Role.FRONT_DESK);
    String elsewhereId = session(elsewhere).getJsonObject("user").getString("id");
    var entry = app.checkIn(GENERAL, "Rosalind Refused");

    assertThat(as(elsewhere, HttpMethod.GET, "/api/v1/entries/" + entry.id()).send().await().statusCode())
        .isEqualTo(403);

    JsonObject refused = app.auditRecord("entryId=" + entry.id(), r -> r.getString("action").equals("getEntry"));
    assertThat(refused.getString("actorId")).isEqualTo(elsewhereId);
    assertThat(refused.getString("siteId")).isEqualTo(SITE);
    assertThat(refused.getInteger("outcome")).isEqualTo(403);
  }

  @Test
  void aPatientOpeningTheirLiveFeedIsWrittenDown() {
    var entry = app.checkIn(GENERAL, "Felix Feedwell");
    String token = app.visitToken(entry);

    app.feed("/ws/visits/" + token).close();

    JsonObject opened = app.auditRecord("entryId=" + entry.id(),
        r -> r.getString("action").equals("openVisitFeed"));
    assertThat(opened.getString("actorKind")).isEqualTo("patient");
    assertThat(opened.getString("siteId")).isEqualTo(SITE);
    assertThat(opened.encode()).doesNotContain(token);
  }

  @Test
  void aManagerSeesTheirOwnSitesRecordsOnly() {
    String desk = app.staffToken(SITE, Role.FRONT_DESK);
    var entry = app.checkIn(GENERAL, "Perpetua Privacy");
    assertThat(as(desk, HttpMethod.GET, "/api/v1/entries/" + entry.id()).send().await().statusCode()).isEqualTo(200);
    String ownManager = app.staffToken(SITE, Role.MANAGER);
    String otherSite = app.newSite();
    String otherManager = app.staffToken(otherSite, Role.MANAGER);

    app.auditRecord(ownManager, "entryId=" + entry.id(), r -> r.getString("action").equals("getEntry"));

    JsonObject seen = query(otherManager, "entryId=" + entry.id());
    assertThat(seen.getJsonArray("items")).isEmpty();
    assertThat(query(otherManager, "").getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("siteId")))
        .allMatch(otherSite::equals);
    JsonObject refused = problem(as(otherManager, HttpMethod.GET, "/api/v1/audit?siteId=" + SITE).send().await(),
        403);
    assertThat(refused.getString("detail")).contains(SITE);
    problem(as(desk, HttpMethod.GET, "/api/v1/audit").send().await(), 403);
  }

  @Test
  void filtersThatCannotMatchAreRefusedWithASentence() {
    JsonObject p = problem(app.staff(HttpMethod.GET,
        "/api/v1/audit?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z").send().await(), 400);
    assertThat(p.getString("detail")).contains("'from'").contains("after");
    problem(app.staff(HttpMethod.GET, "/api/v1/audit?limit=0").send().await(), 400);
    problem(app.staff(HttpMethod.GET, "/api/v1/audit?entryId=not-an-id").send().await(), 400);
  }

  @Test
  void pagesOfRecordsGoBackInTimeWithoutOverlap() {
    String desk = app.staffToken(SITE, Role.FRONT_DESK);
    var entry = app.checkIn(GENERAL, "Octavia Pager");
    for (int i = 0; i < 5; i++) as(desk, HttpMethod.GET, "/api/v1/entries/" + entry.id()).send().await();
    app.settledAuditId(); // the five records are written as the answers end: read up to a later marker

    JsonObject first = query(app.adminToken(), "entryId=" + entry.id() + "&limit=3");
    assertThat(first.getJsonArray("items")).hasSize(3);
    JsonObject second = query(app.adminToken(),
        "entryId=" + entry.id() + "&limit=3&before=" + first.getLong("nextBefore"));
    assertThat(second.getJsonArray("items")).hasSize(2);
    List<Long> ids = new java.util.ArrayList<>();
    for (JsonObject page : List.of(first, second)) {
      page.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getLong("id")));
    }
    assertThat(ids).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  // --- append-only

  @Test
  void theDatabaseRefusesToChangeOrRemoveARecord() {
    var entry = app.checkIn(GENERAL, "Immutable Ida");
    app.staff(HttpMethod.GET, "/api/v1/entries/" + entry.id()).send().await();
    app.auditRecord("entryId=" + entry.id(), r -> true);

    assertThatThrownBy(() -> app.pool.query("UPDATE audit_log SET outcome = 200, actor_name = 'nobody'").execute()
        .await()).isInstanceOf(PgException.class).hasMessageContaining("append-only");
    assertThatThrownBy(() -> app.pool.query("DELETE FROM audit_log").execute().await())
        .isInstanceOf(PgException.class).hasMessageContaining("append-only");
    assertThatThrownBy(() -> app.pool.query("TRUNCATE audit_log").execute().await())
        .isInstanceOf(PgException.class).hasMessageContaining("append-only");
    assertThat(query(app.adminToken(), "entryId=" + entry.id()).getJsonArray("items")).isNotEmpty();
  }

  @Test
  void theApiOffersNoWayToEditOrDeleteTheLog() {
    for (HttpMethod method : List.of(HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.POST, HttpMethod.PATCH)) {
      HttpResponse<Buffer> r = app.staff(method, "/api/v1/audit").sendJsonObject(new JsonObject()).await();
      problem(r, 405);
    }
  }

  @Test
  void anAuditLogThatCannotBeWrittenDoesNotFailTheRequest() {
    // a trail over a database that is not there: the answer must still go out unchanged
    Pool nowhere = TestDatabase.pool(app.vertx, new PgConnectOptions().setHost("localhost").setPort(1)
        .setDatabase("none").setUser("postgres").setPassword("postgres"), 1);
    AuditTrail trail = new AuditTrail(new AuditLog(nowhere, entries -> Future.succeededFuture(Map.of()),
        app.accessClock)); // the trail only writes, so no record needs its patient named
    Router router = Router.router(app.vertx);
    router.get("/api/v1/entries/:entryId").handler(trail.forOperation("getEntry", List.of("front-desk")))
        .handler(rc -> rc.json(new JsonObject().put("ok", true)));
    var server = app.vertx.createHttpServer().requestHandler(router).listen(0).await();
    WebClient client = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(server.actualPort()));
    try {
      HttpResponse<Buffer> r = client.get("/api/v1/entries/" + java.util.UUID.randomUUID()).send().await();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getBoolean("ok")).isTrue();
    } finally {
      client.close();
      server.close().await();
      nowhere.close().await();
    }
  }

  // --- plumbing

  @Test
  void noOperationThatCarriesAPasswordWritesItIntoTheAuditLog() {
    long before = app.settledAuditId();
    String first = "first passphrase of desk-audited";
    String reset = "reset passphrase of desk-audited";
    String changed = "changed passphrase of desk-audited";
    HttpResponse<Buffer> created = app.staff(HttpMethod.POST, "/api/v1/staff").sendJsonObject(new JsonObject()
        .put("username", "desk-audited").put("displayName", "Desk Audited").put("password", first)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "front-desk").put("siteId", SITE)))).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(app.staff(HttpMethod.POST, "/api/v1/staff/" + id + "/password")
        .sendJsonObject(new JsonObject().put("newPassword", reset)).await().statusCode()).isEqualTo(204);
    HttpResponse<Buffer> token = app.anonymous(HttpMethod.POST, "/api/v1/auth/tokens")
        .sendJsonObject(new JsonObject().put("username", "desk-audited").put("password", reset)).await();
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(201);
    assertThat(as(token.bodyAsJsonObject().getString("token"), HttpMethod.POST, "/api/v1/auth/password")
        .sendJsonObject(new JsonObject().put("currentPassword", reset).put("newPassword", changed)).await()
        .statusCode()).isEqualTo(204);
    assertThat(app.anonymous(HttpMethod.POST, "/api/v1/auth/session")
        .sendJsonObject(new JsonObject().put("username", "desk-audited").put("password", changed)).await()
        .statusCode()).isEqualTo(200);
    assertThat(app.anonymous(HttpMethod.POST, "/api/v1/auth/tokens")
        .sendJsonObject(new JsonObject().put("username", "desk-audited").put("password", first)).await()
        .statusCode()).isEqualTo(401);

    // exactly the records of those six requests, read up to a later marker of this test's own; only their
    // operations are read, as another test's request may have its record written late, and no record at all
    // carries a password
    List<String> operations = List.of("createStaffAccount", "resetStaffPassword", "createApiToken", "changePassword",
        "signIn");
    assertThat(app.auditUpToMarker(before, 6, r -> operations.contains(r.substring(0, r.indexOf(' ')))))
        .containsExactlyInAnyOrder("createStaffAccount 201", "resetStaffPassword 204", "createApiToken 201",
            "changePassword 204", "signIn 200", "createApiToken 401");
    for (Row r : app.pool.query("SELECT audit_log::text FROM audit_log").execute().await()) {
      assertThat(r.getString(0)).doesNotContain(first).doesNotContain(reset).doesNotContain(changed);
    }
  }

  private static HttpRequest<Buffer> as(String token, HttpMethod method, String path) {
    return app.anonymous(method, path).putHeader("Authorization", "Bearer " + token);
  }

  private static JsonObject session(String token) {
    return as(token, HttpMethod.GET, "/api/v1/auth/session").send().await().bodyAsJsonObject();
  }

  private static JsonObject query(String token, String filter) {
    HttpResponse<Buffer> r = as(token, HttpMethod.GET, "/api/v1/audit?" + filter).send().await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
