package io.waitline.edge;

import io.waitline.edge.rest.KioskApi;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.waitline.access.DeviceKind;
import io.waitline.access.Role;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Enrolling a waiting-room TV and a kiosk over HTTP: an admin's one-time pairing code, the device token it buys, what
 * that token may do (its own site's board and feed, the kiosk's check-in; nothing else), and revocation.
 */
class DeviceEnrollmentTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  @AfterEach
  void clockBack() {
    app.accessClock.set(Instant.now());
  }

  // --- pairing

  @Test
  void anAdminPairsADisplayAndAKioskAndEachCodeWorksOnce() {
    Instant asked = app.accessClock.instant();
    JsonObject tvPairing = startPairing(SITE, "display", "Lobby TV");
    Instant answered = app.accessClock.instant();
    assertThat(tvPairing.getString("code")).matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    assertThat(tvPairing.getString("siteId")).isEqualTo(SITE);
    assertThat(tvPairing.getString("kind")).isEqualTo("display");
    // ten minutes from when the server made it, on the access clock
    assertThat(Instant.parse(tvPairing.getString("expiresAt")))
        .isBetween(asked.plus(Duration.ofMinutes(10)), answered.plus(Duration.ofMinutes(10)));

    HttpResponse<Buffer> paired = pair(tvPairing.getString("code"));
    assertThat(paired.statusCode()).as(paired.bodyAsString()).isEqualTo(201);
    JsonObject tv = paired.bodyAsJsonObject();
    assertThat(tv.getString("token")).startsWith("wld_");
    assertThat(tv.getJsonObject("device").getString("kind")).isEqualTo("display");
    assertThat(tv.getJsonObject("device").getString("name")).isEqualTo("Lobby TV");
    assertThat(tv.getJsonObject("device").getString("siteId")).isEqualTo(SITE);
    assertThat(tv.getJsonObject("device").getString("revokedAt")).isNull();

    problem(pair(tvPairing.getString("code")), 410);

    // typed on a kiosk's touch screen: lower case, no dash
    JsonObject kioskPairing = startPairing(SITE, "kiosk", "Entrance kiosk");
    JsonObject kiosk = pair(kioskPairing.getString("code").replace("-", "").toLowerCase()).bodyAsJsonObject();
    assertThat(kiosk.getJsonObject("device").getString("kind")).isEqualTo("kiosk");
    problem(pair(kioskPairing.getString("code")), 410);

    HttpResponse<Buffer> list = app.staff(HttpMethod.GET, "/api/v1/sites/" + SITE + "/devices").send().await();
    assertThat(list.statusCode()).isEqualTo(200);
    JsonArray devices = list.bodyAsJsonArray();
    assertThat(devices.stream().map(d -> ((JsonObject) d).getString("id")))
        .contains(tv.getJsonObject("device").getString("id"), kiosk.getJsonObject("device").getString("id"));
    assertThat(list.bodyAsString()).doesNotContain(tv.getString("token")).doesNotContain(kiosk.getString("token"));
  }

  @Test
  void aCodeOlderThanTenMinutesIsGone() {
    JsonObject pairing = startPairing(SITE, "display", "Hall TV");

    app.accessClock.advance(Duration.ofMinutes(10).plusSeconds(5));

    JsonObject gone = problem(pair(pairing.getString("code")), 410);
    assertThat(gone.getString("detail")).doesNotContain(pairing.getString("code"));
  }

  @Test
  void anUnknownCodeIsNotFoundAndPairingNeedsAKnownSite() {
    problem(pair("ZZZZ-ZZZZ"), 404);
    problem(app.staff(HttpMethod.POST, "/api/v1/sites/no-such-site/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", "display").put("name", "TV")).await(), 404);
    problem(app.staff(HttpMethod.POST, "/api/v1/sites/" + SITE + "/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", "display").put("name", "   ")).await(), 400);
    problem(app.staff(HttpMethod.POST, "/api/v1/sites/" + SITE + "/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", "toaster").put("name", "TV")).await(), 400);
  }

  @Test
  void onlyAnAdminCreatesPairingCodes() {
    String manager = app.staffToken(SITE, Role.MANAGER);
    problem(as(manager, HttpMethod.POST, "/api/v1/sites/" + SITE + "/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", "display").put("name", "TV")).await(), 403);
    problem(app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", "display").put("name", "TV")).await(), 401);
  }

  // --- what a device may do

  @Test
  void aDisplayReadsItsSitesBoardAndFeedAndNothingElse() {
    String tv = enrol(SITE, "display");
    String otherSite = app.newSite();

    HttpResponse<Buffer> board = as(tv, HttpMethod.GET, "/api/v1/queues/" + GENERAL + "/board").send().await();
    assertThat(board.statusCode()).as(board.bodyAsString()).isEqualTo(200);
    try (FeedClient feed = app.feed("/ws/queues/" + GENERAL + "?view=display&access_token=" + tv)) {
      assertThat(feed.next("snapshot").getJsonArray("queues")).hasSize(1);
    }
    try (FeedClient feed = app.feed("/ws/sites/" + SITE + "?view=display&access_token=" + tv)) {
      feed.next("snapshot");
    }

    problem(as(tv, HttpMethod.GET, "/api/v1/queues/" + otherSite + "-a/board").send().await(), 403);
    assertThat(app.refusedFeed("/ws/queues/" + otherSite + "-a?view=display&access_token=" + tv)).isEqualTo(403);
    assertThat(app.refusedFeed("/ws/queues/" + GENERAL + "?view=staff&access_token=" + tv)).isEqualTo(403);
    problem(as(tv, HttpMethod.GET, "/api/v1/queues/" + GENERAL + "/snapshot").send().await(), 403);
    problem(as(tv, HttpMethod.GET, "/api/v1/sites/" + SITE + "/entries").send().await(), 403);
    problem(as(tv, HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/call-next")
        .sendJsonObject(new JsonObject().put("calledTo", "Room 1")).await(), 403);
    problem(as(tv, HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .sendJsonObject(new JsonObject().put("name", "Ada").put("birthDate", "1970-01-01")).await(), 403);
  }

  @Test
  void aKioskChecksInPatientsAtItsOwnSiteOnly() {
    String kiosk = enrol(SITE, "kiosk");
    String name = "Imogen Kioskwell";
    app.commands.expect(GENERAL, new CheckIn(new Patient(name, LocalDate.of(1981, 2, 3), null, null, null),
        Priority.NORMAL, app.clock.instant(), null), "test").await();

    HttpResponse<Buffer> r = as(kiosk, HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .sendJsonObject(new JsonObject().put("name", name).put("birthDate", "1981-02-03")).await();

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
    assertThat(r.bodyAsString()).doesNotContain("Kioskwell");
    String otherSite = app.newSite();
    problem(as(kiosk, HttpMethod.POST, "/api/v1/sites/" + otherSite + "/kiosk/check-ins")
        .sendJsonObject(new JsonObject().put("name", name).put("birthDate", "1981-02-03")).await(), 403);
    problem(as(kiosk, HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/check-ins")
        .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", "Someone"))).await(), 403);
  }

  @Test
  void aKioskChecksInByTheAppointmentCodeOfItsOwnSiteOnceAndNeedsOneWayToFindIt() {
    String kiosk = enrol(SITE, "kiosk");
    var expected = app.commands.expect(GENERAL, new CheckIn(new Patient("Quentin Qrcode", LocalDate.of(1979, 5, 6),
        null, null, null), Priority.NORMAL, app.clock.instant(), null), "test").await();
    String path = "/api/v1/sites/" + SITE + "/kiosk/check-ins";

    HttpResponse<Buffer> r = as(kiosk, HttpMethod.POST, path)
        .sendJsonObject(new JsonObject().put("appointment", expected.entry().id().toString())).await();

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
    assertThat(r.bodyAsJsonObject().getString("patientLink")).contains("/visit/");
    assertThat(r.bodyAsString()).doesNotContain("Qrcode");
    // scanned again: no longer expected, so no second ticket
    assertThat(problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject()
        .put("appointment", expected.entry().id().toString())).await(), 404).getString("detail"))
        .isEqualTo(KioskApi.NO_CODE_MATCH);
    // another site's appointment is not found here
    String otherSite = app.newSite();
    var elsewhere = app.commands.expect(otherSite + "-a", new CheckIn(new Patient("Olga Other", null, null, null,
        null), Priority.NORMAL, app.clock.instant(), null), "test").await();
    problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject()
        .put("appointment", elsewhere.entry().id().toString())).await(), 404);
    // neither way, or both ways at once, is a sentence
    assertThat(problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject()).await(), 400)
        .getString("detail")).isEqualTo(KioskApi.WHICH);
    problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject().put("appointment",
        UUID.randomUUID().toString()).put("name", "Ada").put("birthDate", "1970-01-01")).await(), 400);
    problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject().put("name", "Ada")).await(), 400);
    problem(as(kiosk, HttpMethod.POST, path).sendJsonObject(new JsonObject().put("appointment", "not-a-code"))
        .await(), 400);
  }

  // --- revocation

  @Test
  void revokingADeviceStopsItsTokenAtOnceAndClosesItsOpenFeed() {
    JsonObject paired = pair(startPairing(SITE, "display", "Waiting room TV").getString("code")).bodyAsJsonObject();
    String tv = paired.getString("token");
    String id = paired.getJsonObject("device").getString("id");
    FeedClient feed = app.feed("/ws/queues/" + GENERAL + "?view=display&access_token=" + tv);
    feed.next("snapshot");

    HttpResponse<Buffer> revoked = app.staff(HttpMethod.DELETE, "/api/v1/devices/" + id).send().await();

    assertThat(revoked.statusCode()).as(revoked.bodyAsString()).isEqualTo(200);
    assertThat(revoked.bodyAsJsonObject().getString("revokedAt")).isNotNull();
    problem(as(tv, HttpMethod.GET, "/api/v1/queues/" + GENERAL + "/board").send().await(), 401);
    assertThat(feed.awaitClose()).isEqualTo((short) 1008);
    assertThat(app.refusedFeed("/ws/queues/" + GENERAL + "?view=display&access_token=" + tv)).isEqualTo(401);
    JsonObject listed = app.staff(HttpMethod.GET, "/api/v1/sites/" + SITE + "/devices").send().await()
        .bodyAsJsonArray().stream().map(o -> (JsonObject) o).filter(d -> d.getString("id").equals(id)).findFirst()
        .orElseThrow();
    assertThat(listed.getString("revokedAt")).isNotNull();
  }

  @Test
  void revokingAnUnknownDeviceIsNotFound() {
    problem(app.staff(HttpMethod.DELETE, "/api/v1/devices/" + java.util.UUID.randomUUID()).send().await(), 404);
  }

  // --- plumbing

  private static HttpRequest<Buffer> as(String token, HttpMethod method, String path) {
    return app.anonymous(method, path).putHeader("Authorization", "Bearer " + token);
  }

  private static JsonObject startPairing(String site, String kind, String name) {
    HttpResponse<Buffer> r = app.staff(HttpMethod.POST, "/api/v1/sites/" + site + "/device-pairings")
        .sendJsonObject(new JsonObject().put("kind", kind).put("name", name)).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  /** Each pairing comes from an address of its own, so the pairing rate limit (see RateLimitTest) stays out of it. */
  private static HttpResponse<Buffer> pair(String code) {
    WebClient client = LoopbackClients.next(app);
    try {
      return client.post("/api/v1/devices/pair").sendJsonObject(new JsonObject().put("code", code)).await();
    } finally {
      client.close();
    }
  }

  /** A device enrolled over HTTP; returns its token. */
  private static String enrol(String site, String kind) {
    HttpResponse<Buffer> r = pair(startPairing(site, kind, kind + " " + System.nanoTime()).getString("code"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getString("token");
  }
}
