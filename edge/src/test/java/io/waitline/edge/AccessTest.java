package io.waitline.edge;

import io.waitline.edge.pipeline.Caller;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.LAB;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * Who may call what: every operation of openapi.yaml declares its access; staff operations refuse callers without
 * a valid credential and serve an admin; roles count at their own site only; public and patient operations never
 * show patient names.
 */
class AccessTest {
  private static final Set<String> ACCESS_VALUES = Set.of("public", "patient", "staff", "front-desk", "clinician",
      "manager", "admin", "display", "kiosk");
  /** Every patient of this test has this surname, so a leak of any of them is one string search. */
  private static final String SURNAME = "Quixlore";

  @RegisterExtension
  static final TestApp app = TestApp.node();
  private static final AtomicInteger counter = new AtomicInteger();

  @BeforeAll
  static void start() {
    app.checkIn(GENERAL, "Hermione " + SURNAME);
    app.checkIn(LAB, "Barnaby " + SURNAME);
  }

  // --- the contract

  /** One operation of openapi.yaml. */
  private record Operation(String id, HttpMethod method, String path, List<String> access, Object security) {
    boolean open() {
      return access.contains("public") || access.contains("patient");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Operation> operations() {
    try (InputStream in = AccessTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      Map<String, Object> doc = new Yaml().load(in);
      List<Operation> out = new ArrayList<>();
      ((Map<String, Map<String, Object>>) doc.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
        if (key.equals("parameters")) return;
        Map<String, Object> op = (Map<String, Object>) value;
        Object access = op.get("x-waitline-access");
        out.add(new Operation((String) op.get("operationId"), HttpMethod.valueOf(key.toUpperCase()), path,
            access instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(), op.get("security")));
      }));
      return out;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyOperationDeclaresWhoMayCallIt() {
    List<Operation> ops = operations();
    assertThat(ops).hasSizeGreaterThan(20);
    for (Operation op : ops) {
      assertThat(op.access()).as("x-waitline-access of %s", op.id()).isNotEmpty();
      assertThat(ACCESS_VALUES).as("x-waitline-access of %s", op.id()).containsAll(op.access());
      if (op.open()) {
        // the served document must not claim a credential is needed where none is
        assertThat(op.security()).as("security of open operation %s", op.id()).isEqualTo(List.of());
      }
    }
  }

  @Test
  void everyOperationHasAnAccessFixtureInThisTest() {
    assertThat(FIXTURES.keySet()).containsExactlyInAnyOrderElementsOf(operations().stream().map(Operation::id).toList());
  }

  // --- staff operations

  @TestFactory
  Stream<DynamicTest> staffOperationsRefuseMissingOrWrongCredentialsAndServeAnAdmin() {
    return operations().stream().filter(op -> !op.open()).map(op -> dynamicTest(op.id(), () -> {
      // before the fixture: a card payment it starts must still be under way when the admin calls
      app.settlePayments();
      Call call = FIXTURES.get(op.id()).get();
      String bearer = call.bearer() != null ? call.bearer() : app.adminToken();
      Map<String, List<String>> before = app.tables();
      long audited = app.settledAuditId();

      JsonObject missing = refused(op, send(op, call, null), 401);
      assertThat(missing.getString("detail")).contains("sign");
      refused(op, send(op, call, "Bearer wrong-token-of-the-right-length"), 401);
      refused(op, send(op, call, "Bearer " + bearer + "x"), 401);
      refused(op, send(op, call, "Bearer wls_" + "A".repeat(43)), 401);
      refused(op, send(op, call, "Bearer wld_" + "A".repeat(43)), 401);
      refused(op, send(op, call, "Basic " + java.util.Base64.getEncoder().encodeToString(("staff:" + bearer)
          .getBytes())), 401);
      // every table as it was, the rate-limit buckets the calls spent aside (TestApp#tables); the audit log gains
      // exactly the record of each refusal under the operation refused. Records of other operations are left out:
      // a request answered before (the previous operation's admin call, the fixture's setup) may have its record
      // written after the marker, by the event loop that served it, and a refused call writes under its own name
      app.assertTablesAsBefore(before, "refused calls of " + op.id());
      assertThat(app.auditUpToMarker(audited, 6, r -> r.startsWith(op.id() + " ")))
          .as("audit records of the refused calls of %s", op.id())
          .containsExactlyElementsOf(java.util.Collections.nCopies(6, op.id() + " 401"));

      HttpResponse<Buffer> ok = send(op, call, "Bearer " + bearer);
      assertThat(ok.statusCode()).as("%s as an admin: %s", op.id(), ok.bodyAsString()).isBetween(200, 299);
    }));
  }

  @Test
  void aRoleCountsOnlyAtTheSiteWhereItIsHeld() {
    String elsewhere = app.newSite();
    String deskHere = app.staffToken(SITE, io.waitline.access.Role.FRONT_DESK);
    String deskElsewhere = app.staffToken(elsewhere, io.waitline.access.Role.FRONT_DESK);
    JsonObject patient = patientBody();

    JsonObject refused = problem(app.anonymous(HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/check-ins")
        .putHeader("Authorization", "Bearer " + deskElsewhere).sendJsonObject(patient).await(), 403);
    assertThat(refused.getString("detail")).contains(SITE);
    assertThat(app.anonymous(HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/check-ins")
        .putHeader("Authorization", "Bearer " + deskHere).sendJsonObject(patient).await().statusCode())
        .isEqualTo(201);
    // an entry's site is its queue's: the desk elsewhere cannot read it either
    Entry e = waiting();
    problem(app.anonymous(HttpMethod.GET, "/api/v1/entries/" + e.id())
        .putHeader("Authorization", "Bearer " + deskElsewhere).send().await(), 403);
    // nor move a patient of its own site into this one
    Entry theirs = app.checkIn(elsewhere + "-a", "Moving " + SURNAME);
    problem(app.anonymous(HttpMethod.POST, "/api/v1/entries/" + theirs.id() + "/transfer")
        .putHeader("Authorization", "Bearer " + deskElsewhere)
        .sendJsonObject(new JsonObject().put("queueId", GENERAL)).await(), 403);
  }

  @Test
  void staffSeeOnlyTheSitesWhereTheyHoldARole() {
    String elsewhere = app.newSite();
    String deskElsewhere = app.staffToken(elsewhere, io.waitline.access.Role.FRONT_DESK);

    JsonArray theirs = app.anonymous(HttpMethod.GET, "/api/v1/sites")
        .putHeader("Authorization", "Bearer " + deskElsewhere).send().await().bodyAsJsonArray();
    JsonArray all = app.get("/api/v1/sites").bodyAsJsonArray();

    assertThat(theirs.stream().map(s -> ((JsonObject) s).getString("id"))).containsExactly(elsewhere);
    assertThat(all.stream().map(s -> ((JsonObject) s).getString("id"))).contains(SITE, elsewhere);
  }

  @Test
  void aRoleThatDoesNotFitTheOperationIsRefusedWithTheRoleItNeeds() {
    String clinician = app.staffToken(SITE, io.waitline.access.Role.CLINICIAN);
    JsonObject refused = problem(app.anonymous(HttpMethod.POST, "/api/v1/queues/" + GENERAL + "/pause")
        .putHeader("Authorization", "Bearer " + clinician).send().await(), 403);
    assertThat(refused.getString("detail")).contains("clinician").contains("front-desk");
    // a site admin is not an admin of every site: creating sites stays with those
    String siteAdmin = app.staffToken(SITE, io.waitline.access.Role.ADMIN);
    problem(app.anonymous(HttpMethod.POST, "/api/v1/sites").putHeader("Authorization", "Bearer " + siteAdmin)
        .sendJsonObject(new JsonObject().put("id", "by-site-admin").put("name", "No").put("timeZone", "UTC"))
        .await(), 403);
  }

  @Test
  void devicesMayDoOnlyWhatTheirKindDoesAtTheirOwnSite() {
    String kiosk = app.deviceToken(SITE, io.waitline.access.DeviceKind.KIOSK);
    String display = app.deviceToken(SITE, io.waitline.access.DeviceKind.DISPLAY);
    String otherDisplay = app.deviceToken(app.newSite(), io.waitline.access.DeviceKind.DISPLAY);
    String board = "/api/v1/queues/" + GENERAL + "/board";

    assertThat(app.anonymous(HttpMethod.GET, board).putHeader("Authorization", "Bearer " + display).send().await()
        .statusCode()).isEqualTo(200);
    problem(app.anonymous(HttpMethod.GET, board).putHeader("Authorization", "Bearer " + otherDisplay).send()
        .await(), 403);
    problem(app.anonymous(HttpMethod.GET, "/api/v1/queues/" + GENERAL + "/snapshot")
        .putHeader("Authorization", "Bearer " + kiosk).send().await(), 403);
    problem(app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .putHeader("Authorization", "Bearer " + display)
        .sendJsonObject(new JsonObject().put("name", "Nobody").put("birthDate", "1970-01-01")).await(), 403);
    // the kiosk may check in at its site (no such appointment: a 404 that asks to see the desk)
    problem(app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/kiosk/check-ins")
        .putHeader("Authorization", "Bearer " + kiosk)
        .sendJsonObject(new JsonObject().put("name", "Nobody").put("birthDate", "1970-01-01")).await(), 404);
  }

  /** A refusal as its path answers them: an OperationOutcome on the FHIR paths, a problem everywhere else. */
  private static JsonObject refused(Operation op, HttpResponse<Buffer> response, int status) {
    return op.path().startsWith("/fhir/") ? TestApp.operationOutcome(response, status) : problem(response, status);
  }

  @Test
  void aRefusedCallAsksForABearerToken() {
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/sites").send().await();
    problem(r, 401);
    assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  // --- public and patient operations

  @TestFactory
  Stream<DynamicTest> publicAndPatientOperationsServeWithoutATokenAndShowNoPatient() {
    return operations().stream().filter(Operation::open).map(op -> dynamicTest(op.id(), () -> {
      Call call = FIXTURES.get(op.id()).get();
      HttpResponse<Buffer> r = send(op, call, null);
      if (call.expected() != null) {
        assertThat(r.statusCode()).as("%s without a token: %s", op.id(), r.bodyAsString()).isEqualTo(call.expected());
      } else {
        assertThat(r.statusCode()).as("%s without a token: %s", op.id(), r.bodyAsString()).isBetween(200, 299);
      }
      assertThat(r.bodyAsString()).doesNotContain(SURNAME);
      assertThat(keys(r.bodyAsJson(Object.class))).doesNotContain("patient", "mrn", "phone", "email", "birthDate");
    }));
  }

  @Test
  void theBoardShowsTicketsButNoPatientNames() {
    String queue = app.newQueue();
    Entry first = app.checkIn(queue, "Ottoline " + SURNAME);
    Entry second = app.checkIn(queue, "Cuthbert " + SURNAME);

    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/queues/" + queue + "/board")
        .putHeader("Authorization", "Bearer " + app.deviceToken(SITE, io.waitline.access.DeviceKind.DISPLAY))
        .send().await();

    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray entries = r.bodyAsJsonObject().getJsonArray("entries");
    assertThat(entries.stream().map(o -> ((JsonObject) o).getString("ticket")))
        .containsExactly(first.ticket(), second.ticket());
    entries.forEach(o -> assertThat(((JsonObject) o).containsKey("patient")).isFalse());
    assertThat(r.bodyAsString()).doesNotContain("Ottoline").doesNotContain("Cuthbert").doesNotContain(SURNAME);
  }

  @Test
  void theBoardDoesNotListPatientsWhoHaveNotArrived() {
    String queue = app.newQueue();
    app.commands.expect(queue, new CheckIn(new Patient("Araminta " + SURNAME, null, null, null, null),
        Priority.NORMAL, app.clock.instant().plus(Duration.ofHours(1)), null), "test").await();

    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/queues/" + queue + "/board")
        .putHeader("Authorization", "Bearer " + app.deviceToken(SITE, io.waitline.access.DeviceKind.DISPLAY))
        .send().await();

    assertThat(r.bodyAsJsonObject().getJsonArray("entries")).isEmpty();
  }

  @Test
  void aPatientLinkShowsOnlyThatPatientsOwnTicketAndPlace() {
    String queue = app.newQueue();
    Entry alice = app.checkIn(queue, "Alice " + SURNAME);
    Entry bob = app.checkIn(queue, "Bob " + SURNAME);

    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/visits/" + app.visitToken(bob)).send().await();

    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject visit = r.bodyAsJsonObject();
    assertThat(visit.getString("ticket")).isEqualTo(bob.ticket());
    assertThat(visit.getInteger("position")).isEqualTo(2);
    assertThat(visit.getInteger("peopleAhead")).isEqualTo(1);
    assertThat(visit.getString("status")).isEqualTo("waiting");
    assertThat(r.bodyAsString()).doesNotContain(alice.ticket()).doesNotContain(alice.id().toString())
        .doesNotContain("Alice").doesNotContain(SURNAME);
  }

  @Test
  void eachPatientLinkSeesItsOwnTicket() {
    String queue = app.newQueue();
    Entry alice = app.checkIn(queue, "Alice " + SURNAME);
    Entry bob = app.checkIn(queue, "Bob " + SURNAME);

    JsonObject aliceVisit = app.anonymous(HttpMethod.GET, "/api/v1/visits/" + app.visitToken(alice)).send().await()
        .bodyAsJsonObject();

    assertThat(aliceVisit.getString("ticket")).isEqualTo(alice.ticket());
    assertThat(aliceVisit.getInteger("position")).isEqualTo(1);
    assertThat(aliceVisit.encode()).doesNotContain(bob.ticket());
  }

  // --- fixtures: for each operation, a request that succeeds with the staff token

  /**
   * Path parameters and body of one call; queueId defaults to {@link TestApp#GENERAL}. {@code bearer}: the
   * credential that succeeds when not the shared admin's (calls that end or change their own session);
   * {@code expected}: the status of a public call when it is not a 2xx; {@code csv}: a CSV file's text sent as the
   * body instead of JSON.
   */
  private record Call(String queueId, String entryId, String token, JsonObject body, String bearer,
      Integer expected, String csv) {
    Call(String queueId, String entryId, String token, JsonObject body) {
      this(queueId, entryId, token, body, null, null, null);
    }

    static Call plain() {
      return new Call(GENERAL, null, null, null);
    }

    static Call body(JsonObject body) {
      return new Call(GENERAL, null, null, body);
    }

    static Call queue(String queueId, JsonObject body) {
      return new Call(queueId, null, null, body);
    }

    static Call entry(Entry e, JsonObject body) {
      return new Call(GENERAL, e.id().toString(), null, body);
    }

    static Call visit(Entry e) {
      return new Call(GENERAL, null, app.visitToken(e), null);
    }

    static Call visit(Entry e, JsonObject body) {
      return new Call(GENERAL, null, app.visitToken(e), body);
    }

    /** A notification's, account's or device's id travels in the entry slot ({@code {notificationId}} etc.). */
    static Call notification(java.util.UUID id) {
      return new Call(GENERAL, id.toString(), null, null);
    }

    static Call id(java.util.UUID id, JsonObject body) {
      return new Call(GENERAL, id.toString(), null, body);
    }

    Call as(String bearer) {
      return new Call(queueId, entryId, token, body, bearer, expected, csv);
    }

    Call answering(int status) {
      return new Call(queueId, entryId, token, body, bearer, status, csv);
    }
  }

  private static JsonObject credentials(io.waitline.access.StaffAccount a) {
    return new JsonObject().put("username", a.username()).put("password", TestApp.PASSWORD);
  }

  private static Entry waiting() {
    return app.checkIn(GENERAL, "Walker " + counter.incrementAndGet() + " " + SURNAME);
  }

  private static Entry called() {
    return app.calledAlone("Caller " + counter.incrementAndGet() + " " + SURNAME);
  }

  private static Entry expected() {
    return app.commands.expect(GENERAL, new CheckIn(new Patient("Expectant " + counter.incrementAndGet() + " "
        + SURNAME, null, null, null, null), Priority.NORMAL, app.clock.instant().plus(Duration.ofHours(2)), null),
        "test").await().entry();
  }

  private static JsonObject patientBody() {
    return new JsonObject().put("patient", new JsonObject().put("name", "Newcomer " + counter.incrementAndGet()
        + " " + SURNAME).put("birthDate", "1980-04-23"));
  }

  private static final Map<String, Supplier<Call>> FIXTURES = new LinkedHashMap<>();

  static {
    FIXTURES.put("listSites", Call::plain);
    FIXTURES.put("createSite", () -> Call.body(new JsonObject().put("id", "new-site-" + counter.incrementAndGet())
        .put("name", "Hillside").put("timeZone", "Europe/Paris")));
    FIXTURES.put("getSite", Call::plain);
    FIXTURES.put("listQueues", Call::plain);
    FIXTURES.put("createQueue", () -> Call.body(new JsonObject().put("id", "new-queue-" + counter.incrementAndGet())
        .put("name", "X-ray").put("ticketPrefix", "X")));
    FIXTURES.put("listTodaysEntries", Call::plain);
    FIXTURES.put("kioskCheckIn", () -> {
      String name = "Kiosk " + counter.incrementAndGet() + " " + SURNAME;
      app.commands.expect(GENERAL, new CheckIn(new Patient(name, LocalDate.of(1975, 6, 1), null, null, null),
          Priority.NORMAL, app.clock.instant(), null), "test").await();
      return Call.body(new JsonObject().put("name", name).put("birthDate", "1975-06-01"));
    });
    FIXTURES.put("getQueue", Call::plain);
    FIXTURES.put("getQueueSnapshot", Call::plain);
    FIXTURES.put("getQueueBoard", Call::plain);
    FIXTURES.put("listQueueEvents", Call::plain);
    FIXTURES.put("checkIn", () -> Call.body(patientBody()));
    FIXTURES.put("addAppointment", () -> Call.body(patientBody()
        .put("appointmentAt", app.clock.instant().plus(Duration.ofHours(3)).toString())));
    FIXTURES.put("callNext", () -> {
      String queue = app.newQueue();
      app.checkIn(queue, "Next " + counter.incrementAndGet() + " " + SURNAME);
      return Call.queue(queue, new JsonObject().put("calledTo", "Room 1"));
    });
    FIXTURES.put("pauseQueue", () -> Call.queue(app.newQueue(), null));
    FIXTURES.put("resumeQueue", () -> {
      String queue = app.newQueue();
      app.commands.pause(queue, true, "test").await();
      return Call.queue(queue, null);
    });
    FIXTURES.put("setStaffOnDuty", () -> Call.body(new JsonObject().put("staffOnDuty", 3)));
    FIXTURES.put("getQueueRota", Call::plain);
    FIXTURES.put("putQueueRota", () -> Call.body(new JsonObject().put("shifts", new JsonArray())));
    FIXTURES.put("getEntry", () -> Call.entry(waiting(), null));
    FIXTURES.put("arrive", () -> Call.entry(expected(), null));
    FIXTURES.put("recall", () -> Call.entry(called(), null));
    FIXTURES.put("startService", () -> Call.entry(called(), null));
    FIXTURES.put("complete", () -> {
      Entry e = called();
      app.commands.startService(e.id(), "test").await();
      return Call.entry(e, null);
    });
    FIXTURES.put("noShow", () -> Call.entry(called(), null));
    FIXTURES.put("requeue", () -> Call.entry(called(), null));
    FIXTURES.put("markLeft", () -> Call.entry(waiting(), null));
    FIXTURES.put("cancel", () -> Call.entry(waiting(), null));
    FIXTURES.put("undo", () -> Call.entry(called(), null));
    FIXTURES.put("transfer", () -> Call.entry(waiting(), new JsonObject().put("queueId", LAB)));
    FIXTURES.put("getVisit", () -> Call.visit(waiting()));
    FIXTURES.put("visitRunningLate", () -> Call.visit(waiting()));
    FIXTURES.put("visitLeave", () -> Call.visit(waiting()));
    FIXTURES.put("getWebPushPublicKey", Call::plain);
    FIXTURES.put("subscribeWebPush", () -> Call.visit(waiting(), new JsonObject()
        .put("endpoint", "https://fcm.googleapis.com/fcm/send/access-" + counter.incrementAndGet())
        .put("keys", new JsonObject().put("auth", "c2l4dGVlbiBieXRlIGtleQ").put("p256dh", "BCVxsr7N_eNgVRqvHtD0zTZsEc6-"
            + "VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"))));
    FIXTURES.put("registerPushToken", () -> Call.visit(waiting(), new JsonObject().put("token", "fcm-token-1")
        .put("platform", "android")));
    FIXTURES.put("getNotificationPreferences", () -> Call.visit(waiting()));
    FIXTURES.put("putNotificationPreferences", () -> Call.visit(waiting(), new JsonObject()
        .put("channels", new JsonArray().add("sms")).put("language", "fr")));
    FIXTURES.put("listSiteNotifications", Call::plain);
    FIXTURES.put("retryNotification", () -> Call.notification(StoredNotifications.called(app.pool, waiting(),
        "failed")));
    FIXTURES.put("getNotification", () -> Call.notification(StoredNotifications.called(app.pool, waiting(), "sent")));
    FIXTURES.put("listEntryNotifications", () -> Call.entry(waiting(), null));
    FIXTURES.put("getQueueNotificationSettings", Call::plain);
    FIXTURES.put("putQueueNotificationSettings", () -> Call.body(new JsonObject()
        .put("positionAlerts", new JsonArray().add(3).add(1)).put("longWaitMinutes", 45)));
    FIXTURES.put("getSiteNotificationSettings", Call::plain);
    FIXTURES.put("putSiteNotificationSettings", () -> Call.body(new JsonObject().put("quietHours", "21:00-07:00")
        .put("staffEmail", "desk@clinic.example")));
    FIXTURES.put("getSession", Call::plain);
    FIXTURES.put("signIn", () -> Call.body(credentials(app.account(SITE, io.waitline.access.Role.FRONT_DESK))));
    FIXTURES.put("createApiToken", () -> Call.body(credentials(app.account(SITE,
        io.waitline.access.Role.CLINICIAN))));
    // an admin exists already, so setup is over: refused as a conflict, not for want of a credential
    FIXTURES.put("setUpFirstAdmin", () -> Call.body(new JsonObject().put("code", "ABCD-EFGH-JKMN-PQRS-TVWX")
        .put("username", "late-admin").put("displayName", "Late Admin").put("password", TestApp.PASSWORD))
        .answering(409));
    FIXTURES.put("signOut", () -> Call.plain().as(app.staffToken(SITE, io.waitline.access.Role.FRONT_DESK)));
    FIXTURES.put("changePassword", () -> Call.body(new JsonObject().put("currentPassword", TestApp.PASSWORD)
        .put("newPassword", "another long passphrase " + counter.incrementAndGet()))
        .as(app.staffToken(SITE, io.waitline.access.Role.MANAGER)));
    FIXTURES.put("listStaffAccounts", Call::plain);
    FIXTURES.put("createStaffAccount", () -> Call.body(new JsonObject().put("username", "new-" + counter
        .incrementAndGet()).put("displayName", "New Person").put("password", TestApp.PASSWORD)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "front-desk").put("siteId", SITE)))));
    FIXTURES.put("updateStaffAccount", () -> Call.id(app.account(SITE, io.waitline.access.Role.CLINICIAN).id(),
        new JsonObject().put("displayName", "Renamed Person")));
    FIXTURES.put("unlockStaffAccount", () -> Call.id(app.account(SITE, io.waitline.access.Role.CLINICIAN).id(),
        null));
    FIXTURES.put("resetStaffPassword", () -> Call.id(app.account(SITE, io.waitline.access.Role.CLINICIAN).id(),
        new JsonObject().put("newPassword", "a brand new passphrase")));
    FIXTURES.put("createDevicePairing", () -> Call.body(new JsonObject().put("kind", "display")
        .put("name", "Lobby TV " + counter.incrementAndGet())));
    FIXTURES.put("listDevices", Call::plain);
    FIXTURES.put("pairDevice", () -> Call.body(new JsonObject().put("code", app.access.devices()
        .startPairing(SITE, io.waitline.access.DeviceKind.KIOSK, "Kiosk " + counter.incrementAndGet(), "test")
        .await().code())));
    FIXTURES.put("revokeDevice", () -> Call.id(app.device(SITE, io.waitline.access.DeviceKind.DISPLAY).device()
        .id(), null));
    FIXTURES.put("queryAuditLog", Call::plain);
    // co-pays: a payment's id, a receipt's token or a reader's id travels in the entry slot too
    FIXTURES.put("getCopay", () -> Call.entry(waiting(), null));
    FIXTURES.put("putVisitCopay", () -> Call.entry(waiting(), new JsonObject().put("amountMinor", 1500)));
    FIXTURES.put("payCopay", () -> Call.entry(waiting(), new JsonObject().put("station", "desk")
        .put("readerId", app.newReader("desk"))));
    FIXTURES.put("payCash", () -> Call.entry(waiting(), new JsonObject()));
    FIXTURES.put("listTodaysPayments", Call::plain);
    FIXTURES.put("getPayment", () -> byPayment(cashPayment().getString("id"), null));
    FIXTURES.put("cancelPayment", () -> byPayment(app.payments.pay(waiting().id(), "desk", app.newReader("desk"),
        "test").await().getString("id"), null));
    FIXTURES.put("listRefunds", () -> byPayment(cashPayment().getString("id"), null));
    FIXTURES.put("refundPayment", () -> byPayment(cashPayment().getString("id"), new JsonObject()
        .put("amountMinor", 100).put("reason", "Access test")));
    FIXTURES.put("resendReceipt", () -> byPayment(cashPayment().getString("id"), null));
    FIXTURES.put("getReceipt", () -> {
      String url = cashPayment().getString("receiptUrl");
      return byPayment(url.substring(url.lastIndexOf('/') + 1), null);
    });
    FIXTURES.put("getSitePaymentSettings", Call::plain);
    FIXTURES.put("putSitePaymentSettings", () -> Call.body(new JsonObject().put("currency", "eur")
        .put("kioskSkippable", true)));
    FIXTURES.put("getQueuePaymentSettings", Call::plain);
    FIXTURES.put("putQueuePaymentSettings", () -> Call.body(new JsonObject().put("amountMinor", 2000)
        .put("collect", "kiosk")));
    FIXTURES.put("listCardReaders", Call::plain);
    FIXTURES.put("putCardReader", () -> byPayment("sbx_access_" + counter.incrementAndGet(), new JsonObject()
        .put("station", "desk").put("label", "Desk 2")));
    FIXTURES.put("getReconciliation", Call::plain);
    // appointment sources: a source's, dead letter's or match review's id travels in the entry slot too
    FIXTURES.put("listSources", Call::plain);
    FIXTURES.put("createSource", () -> Call.body(sourceInput()));
    FIXTURES.put("getSource", () -> byId(source(), null));
    FIXTURES.put("updateSource", () -> byId(source(), new JsonObject().put("name", "Renamed")));
    FIXTURES.put("deleteSource", () -> byId(source(), null));
    FIXTURES.put("syncSource", () -> byId(source(), null));
    FIXTURES.put("getSourceHealth", () -> byId(source(), null));
    FIXTURES.put("dryRunSource", () -> byId(source(), new JsonObject(ca.uhn.fhir.context.FhirContext.forR4Cached()
        .newJsonParser().encodeResourceToString(new org.hl7.fhir.r4.model.Bundle()
            .setType(org.hl7.fhir.r4.model.Bundle.BundleType.COLLECTION)))));
    FIXTURES.put("uploadSourceFile", () -> new Call(GENERAL, app.csvSource().toString(), null, null, null, null,
        app.csvFile("access-" + counter.incrementAndGet(), "Csv Uploaded")));
    FIXTURES.put("listDeadLetters", () -> byId(source(), null));
    FIXTURES.put("replayDeadLetter", () -> byId(deadLetter(), null));
    FIXTURES.put("getSiteSourceStatus", Call::plain);
    FIXTURES.put("listMatchReviews", Call::plain);
    FIXTURES.put("resolveMatchReview", () -> byId(matchReview(), new JsonObject().put("decision",
        "different-patients")));
    // Waitline as a FHIR source: the searches name their queue in the query (see send)
    FIXTURES.put("getFhirCapabilities", Call::plain);
    FIXTURES.put("searchFhirAppointments", Call::plain);
    FIXTURES.put("searchFhirEncounters", Call::plain);
    // insights of the site: today, when no range is given
    FIXTURES.put("getInsights", Call::plain);
    FIXTURES.put("listInsightVisits", Call::plain);
    FIXTURES.put("getInsightsLive", Call::plain);
    FIXTURES.put("rebuildInsights", () -> Call.body(new JsonObject().put("from",
        java.time.LocalDate.ofInstant(app.clock.instant(), java.time.ZoneOffset.UTC).minusDays(3).toString())));
  }

  /** The FHIR searches, which take their queue as {@code ?location=}. */
  private static final java.util.Set<String> FHIR_SEARCHES = java.util.Set.of("searchFhirAppointments",
      "searchFhirEncounters");

  private static Call byId(java.util.UUID id, JsonObject body) {
    return new Call(GENERAL, id.toString(), null, body);
  }

  // --- appointment sources: a FHIR server with no appointments, built with HAPI's model

  private static io.vertx.core.http.HttpServer fhirServer;
  /** The Vert.x the server runs on: a rerun of a failed test opens the app again, on a new one. */
  private static io.vertx.core.Vertx fhirServerVertx;

  private static synchronized String emptyFhirServer() {
    if (fhirServerVertx != app.vertx) {
      fhirServerVertx = app.vertx;
      String empty = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(
          new org.hl7.fhir.r4.model.Bundle().setType(org.hl7.fhir.r4.model.Bundle.BundleType.SEARCHSET).setTotal(0));
      fhirServer = app.vertx.createHttpServer().requestHandler(req -> req.response()
          .putHeader("Content-Type", "application/fhir+json").end(empty)).listen(0).await();
    }
    return "http://localhost:" + fhirServer.actualPort() + "/fhir";
  }

  private static JsonObject sourceInput() {
    return new JsonObject().put("kind", "fhir-r4").put("name", "Access EHR " + counter.incrementAndGet())
        .put("baseUrl", emptyFhirServer()).put("auth", new JsonObject().put("type", "bearer").put("token", "t0k"))
        .put("mapping", new JsonObject().put("defaultQueue", GENERAL));
  }

  private static java.util.UUID source() {
    return app.sync.create(SITE, sourceInput()).await().id();
  }

  private static java.util.UUID deadLetter() {
    java.util.UUID id = java.util.UUID.randomUUID();
    app.pool.preparedQuery("INSERT INTO sync_dead_letter (id, source_id, external_id, version, version_order,"
        + " payload, reason, created_at) VALUES ($1, $2, 'Appointment/x', '1', 1, '{}', 'The record holds no"
        + " Appointment.', now())").execute(io.vertx.sqlclient.Tuple.of(id, source())).await();
    return id;
  }

  private static java.util.UUID matchReview() {
    java.util.UUID a = java.util.UUID.randomUUID();
    java.util.UUID b = java.util.UUID.randomUUID();
    java.util.UUID review = java.util.UUID.randomUUID();
    for (java.util.UUID p : new java.util.UUID[] {a, b}) {
      app.pool.preparedQuery("INSERT INTO sync_patient (id, site_id, name, birth_date, created_at)"
          + " VALUES ($1, $2, 'Access Twin', '1970-01-01', now())").execute(io.vertx.sqlclient.Tuple.of(p, SITE))
          .await();
    }
    app.pool.preparedQuery("INSERT INTO sync_match_review (id, site_id, patient_id, candidate_id, status, created_at)"
        + " VALUES ($1, $2, $3, $4, 'open', now())").execute(io.vertx.sqlclient.Tuple.of(review, SITE, a, b)).await();
    return review;
  }

  private static JsonObject cashPayment() {
    return app.payments.payCash(waiting().id(), null, "test").await();
  }

  private static Call byPayment(String idOrToken, JsonObject body) {
    return new Call(GENERAL, idOrToken, null, body);
  }

  // --- plumbing

  private static HttpResponse<Buffer> send(Operation op, Call call, String authorization) {
    String path = op.path().replace("{siteId}", SITE).replace("{queueId}", call.queueId())
        .replace("{entryId}", String.valueOf(call.entryId())).replace("{token}", String.valueOf(call.token()))
        .replace("{notificationId}", String.valueOf(call.entryId()))
        .replace("{accountId}", String.valueOf(call.entryId())).replace("{deviceId}", String.valueOf(call.entryId()))
        .replace("{paymentId}", String.valueOf(call.entryId()))
        .replace("{receiptToken}", String.valueOf(call.entryId()))
        .replace("{readerId}", String.valueOf(call.entryId())).replace("{sourceId}", String.valueOf(call.entryId()))
        .replace("{deadLetterId}", String.valueOf(call.entryId()))
        .replace("{reviewId}", String.valueOf(call.entryId()))
        + (FHIR_SEARCHES.contains(op.id()) ? "?location=" + call.queueId() : "");
    HttpRequest<Buffer> request = app.anonymous(op.method(), path);
    if (authorization != null) request.putHeader("Authorization", authorization);
    if (call.csv() != null) {
      return request.putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(call.csv())).await();
    }
    return call.body() == null ? request.send().await() : request.sendJsonObject(call.body()).await();
  }

  /** Every key of every object in a JSON tree. */
  private static List<String> keys(Object json) {
    List<String> out = new ArrayList<>();
    if (json instanceof JsonObject o) {
      o.forEach(e -> {
        out.add(e.getKey());
        out.addAll(keys(e.getValue()));
      });
    } else if (json instanceof JsonArray a) {
      a.forEach(v -> out.addAll(keys(v)));
    }
    return out;
  }
}
