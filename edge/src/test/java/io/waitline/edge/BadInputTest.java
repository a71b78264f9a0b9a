package io.waitline.edge;

import io.waitline.edge.pipeline.Problems;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.LAB;
import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input is refused with a 4xx problem+json that says in a sentence what was wrong, and it changes nothing: every
 * row of every table is the same afterwards ({@link TestApp#tables}), and the audit log gained at most the record of
 * the refusal itself.
 */
class BadInputTest {
  private static final String CHECK_INS = "/api/v1/queues/" + GENERAL + "/check-ins";

  @RegisterExtension
  static final TestApp app = TestApp.node();
  private static Entry waiting;

  @BeforeAll
  static void start() {
    waiting = app.checkIn(GENERAL, "Wilhelmina Threpwood");
    app.adminToken(); // the caller exists before any request, so its account is not taken for a change
  }

  /** Runs the request, asserts it was refused with this status, and that it changed nothing. */
  private static String refused(int status, Supplier<HttpResponse<Buffer>> request) {
    Map<String, List<String>> before = app.tables();
    long audited = app.settledAuditId();
    String detail = problem(request.get(), status).getString("detail");
    assertChangedNothing(before, audited, status);
    return detail;
  }

  /** Every table as it was; new audit records, if any, only say the request was refused with {@code status}. */
  private static void assertChangedNothing(Map<String, List<String>> before, long audited, int status) {
    app.assertTablesAsBefore(before, "a refused request");
    assertThat(app.auditSince(audited)).as("audit records of the refused request")
        .allSatisfy(record -> assertThat(record).endsWith(" " + status));
  }

  // --- malformed bodies

  @Test
  void malformedJsonIsRefusedAs400() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann"));
    assertThat(detail).containsIgnoringCase("JSON");
  }

  @Test
  void aJsonArrayInsteadOfAnObjectIsRefusedAs400() {
    refused(400, () -> app.post(CHECK_INS, "[{\"patient\": {\"name\": \"Ann\"}}]"));
  }

  @Test
  void aNameThatIsANumberIsRefusedNamingTheField() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": 42}}"));
    assertThat(detail).contains("patient.name").contains("text");
  }

  @Test
  void aMissingRequiredFieldIsRefusedNamingTheField() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"priority\": \"high\"}"));
    assertThat(detail).contains("patient").contains("required");
  }

  @Test
  void anUnknownFieldIsRefusedNamingTheField() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\"}, \"colour\": \"blue\"}"));
    assertThat(detail).contains("colour");
  }

  @Test
  void anUnknownNestedFieldIsRefusedNamingTheField() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\", \"shoeSize\": 9}}"));
    assertThat(detail).contains("shoeSize");
  }

  @Test
  void aBodyWithHundredsOfWrongFieldsListsAtMostTwentyOfThem() {
    StringBuilder body = new StringBuilder("{\"patient\": {\"name\": \"Ann\"}");
    for (int i = 0; i < 400; i++) body.append(", \"f").append(i).append("\": ").append(i);
    JsonObject problem = problem(app.post(CHECK_INS, body.append('}').toString()), 400);
    assertThat(problem.getJsonArray("errors")).hasSize(Problems.MAX_REPORTED_ERRORS);
    assertThat(problem.getString("detail")).contains("'f0'");
  }

  @Test
  void aValueOutsideTheEnumIsRefusedNamingTheField() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\"}, \"priority\": \"asap\"}"));
    assertThat(detail).contains("priority");
  }

  @Test
  void anImpossibleBirthDateIsRefusedAs400() {
    String detail = refused(400, () -> app.post(CHECK_INS,
        "{\"patient\": {\"name\": \"Ann\", \"birthDate\": \"1980-13-45\"}}"));
    assertThat(detail).contains("birthDate");
  }

  @Test
  void anAppointmentTimeThatIsNotADateTimeIsRefusedAs400() {
    String detail = refused(400, () -> app.post("/api/v1/queues/" + GENERAL + "/appointments",
        "{\"patient\": {\"name\": \"Ann\"}, \"appointmentAt\": \"next tuesday\"}"));
    assertThat(detail).contains("appointmentAt");
  }

  @Test
  void anAppointmentTimeWithoutOffsetIsRefusedAs400() {
    refused(400, () -> app.post("/api/v1/queues/" + GENERAL + "/appointments",
        "{\"patient\": {\"name\": \"Ann\"}, \"appointmentAt\": \"2026-05-01T09:30:00\"}"));
  }

  @Test
  void aNulCharacterInTextIsRefusedAs400() {
    refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\\u0000Smith\"}}"));
    refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\", \"mrn\": \"\\u0000\"}}"));
    refused(400, () -> app.post("/api/v1/sites", "{\"id\": \"nul\", \"name\": \"A\\u0000\", \"timeZone\": \"UTC\"}"));
  }

  @Test
  void aBirthDateInTheFutureIsRefusedAs422() {
    String detail = refused(422, () -> app.post(CHECK_INS,
        "{\"patient\": {\"name\": \"Ann\", \"birthDate\": \"2999-01-01\"}}"));
    assertThat(detail).contains("2999-01-01");
  }

  /** "The future" is the node's today (the commands' clock, here 2026-11-20), whatever the JVM's own date says. */
  @Test
  void aBirthDateAfterTheNodesTomorrowIsRefusedThoughTheMachinesCalendarIsPastIt() {
    String dayAfterTomorrow = LocalDate.ofInstant(app.clock.instant(), ZoneOffset.UTC).plusDays(2).toString();
    String detail = refused(422, () -> app.post(CHECK_INS,
        "{\"patient\": {\"name\": \"Ann\", \"birthDate\": \"" + dayAfterTomorrow + "\"}}"));
    assertThat(detail).isEqualTo("The birth date " + dayAfterTomorrow + " is in the future.");
  }

  @Test
  void aBirthDateCenturiesAgoAndAPhoneNumberOfLettersAreRefusedAs422AndATypedNumberIsTaken() {
    assertThat(refused(422, () -> app.post(CHECK_INS,
        "{\"patient\": {\"name\": \"Ann\", \"birthDate\": \"0001-01-01\"}}")))
        .isEqualTo("The birth date 0001-01-01 is too long ago; check the year.");
    assertThat(refused(422, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\", \"phone\": \"abc<>\"}}")))
        .isEqualTo("The phone number 'abc<>' is not one: use digits, with + for an international number (like +44 7700"
            + " 900123).");
    assertThat(app.post(CHECK_INS, "{\"patient\": {\"name\": \"Ann\", \"birthDate\": \"1920-02-29\","
        + " \"phone\": \"+44 (0)7700 900-123\"}}").statusCode()).isEqualTo(201);
  }

  @Test
  void aBadQueryParameterIsNamedAsTheFieldNotTheBody() {
    JsonObject p = problem(app.get("/api/v1/queues/" + GENERAL + "/events?limit=0"), 400);
    assertThat(p.getString("detail")).isEqualTo("The query parameter limit is not valid: it must be at least 1.");
    assertThat(p.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("limit");
  }

  @Test
  void aTooShortSecretSaysHowLongItMustBeAndABodyOfTheWrongKindSaysSo() {
    JsonObject shortSecret = problem(app.post("/api/v1/sites/" + TestApp.SITE + "/sources", "{\"kind\": \"webhook\","
        + " \"name\": \"Hooks\", \"subscription\": {\"secret\": \"12345\"}, \"mapping\": {}}"), 400);
    assertThat(shortSecret.getString("detail")).contains("'subscription.secret' must be at least 16 characters long");
    assertThat(problem(app.post("/api/v1/queues/" + GENERAL + "/check-ins", "5"), 400).getString("detail"))
        .doesNotContain("Instance");
  }

  @Test
  void anEmptyNameIsRefusedAs400() {
    String detail = refused(400, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"\"}}"));
    assertThat(detail).contains("patient.name");
  }

  @Test
  void aNameOfOnlySpacesIsRefusedAs422() {
    String detail = refused(422, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"   \"}}"));
    assertThat(detail).contains("name");
  }

  @Test
  void aCheckInWithoutBodyIsRefusedAs400() {
    String detail = refused(400, () -> app.post(CHECK_INS));
    assertThat(detail).containsIgnoringCase("body");
  }

  @Test
  void aTextPlainBodyIsRefusedAs415() {
    String detail = refused(415, () -> app.staff(HttpMethod.POST, CHECK_INS).putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("name=Ann")).await());
    assertThat(detail).contains("application/json");
  }

  @Test
  void aBodyOver64KiBIsRefusedAs413() {
    String huge = "x".repeat(Problems.BODY_LIMIT_BYTES + 1);
    String detail = refused(413, () -> app.post(CHECK_INS, "{\"patient\": {\"name\": \"" + huge + "\"}}"));
    assertThat(detail).contains("64 KiB");
  }

  @Test
  void aStaffCountOutOfRangeIsRefusedAs400() {
    refused(400, () -> app.staff(HttpMethod.PUT, "/api/v1/queues/" + GENERAL + "/staff-on-duty")
        .sendJsonObject(new io.vertx.core.json.JsonObject().put("staffOnDuty", 501)).await());
  }

  @Test
  void aDeskOfOnlySpacesIsRefusedAs422() {
    refused(422, () -> app.post("/api/v1/queues/" + GENERAL + "/call-next", "{\"calledTo\": \"   \"}"));
  }

  // --- things that do not exist

  @Test
  void aCheckInToAnUnknownQueueIsRefusedAs404() {
    String detail = refused(404, () -> app.post("/api/v1/queues/no-such-queue/check-ins",
        "{\"patient\": {\"name\": \"Ann\"}}"));
    assertThat(detail).contains("no-such-queue");
  }

  @Test
  void aQueueIdThatBreaksTheIdPatternIsRefusedAs400() {
    refused(400, () -> app.get("/api/v1/queues/General_Queue/snapshot"));
  }

  @Test
  void anUnknownEntryIsRefusedAs404() {
    UUID nobody = UUID.randomUUID();
    refused(404, () -> app.post("/api/v1/entries/" + nobody + "/complete"));
    refused(404, () -> app.get("/api/v1/entries/" + nobody));
  }

  @Test
  void aMalformedEntryIdIsRefusedAs400() {
    refused(400, () -> app.post("/api/v1/entries/not-a-uuid/complete"));
    refused(400, () -> app.get("/api/v1/entries/12345"));
  }

  @Test
  void aQueryParameterThatIsNotAWholeNumberIsRefusedAs400() {
    String detail = refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?after=abc"));
    assertThat(detail).contains("after");
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?limit=1.5"));
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?limit=0"));
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?after=-1"));
  }

  @Test
  void aSeqTooLargeForAWholeNumberIsRefusedAs400() {
    String detail = refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?after=99999999999999999999"));
    assertThat(detail).contains("after");
  }

  @Test
  void aWholeNumberWrittenAsADecimalIsRefusedAs400() {
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?after=5.0"));
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?limit=100.0"));
    refused(400, () -> app.get("/api/v1/queues/" + GENERAL + "/events?after=1e2"));
  }

  @Test
  void anUnknownPathIsA404Problem() {
    String detail = refused(404, () -> app.get("/api/v1/nothing-here"));
    assertThat(detail).contains("/api/v1/nothing-here");
    refused(404, () -> app.anonymous(HttpMethod.GET, "/no/such/page.html").send().await());
  }

  @Test
  void anUnsupportedMethodOnAnExistingPathIsA405Problem() {
    Map<String, List<String>> before = app.tables();
    long audited = app.settledAuditId();
    HttpResponse<Buffer> r = app.staff(HttpMethod.DELETE, "/api/v1/sites").send().await();
    problem(r, 405);
    assertChangedNothing(before, audited, 405);
  }

  // --- valid requests the current state forbids

  @Test
  void completingAWaitingEntryIsAConflictNamingTheTicket() {
    String detail = refused(409, () -> app.post("/api/v1/entries/" + waiting.id() + "/complete"));
    assertThat(detail).containsIgnoringCase("ticket " + waiting.ticket()).contains("waiting").endsWith(".");
  }

  @Test
  void callingNextOnAnEmptyQueueIsAConflict() {
    String empty = app.newQueue();
    String detail = refused(409, () -> app.post("/api/v1/queues/" + empty + "/call-next", "{\"calledTo\": \"Room 1\"}"));
    assertThat(detail).contains("Nobody is waiting");
  }

  @Test
  void callingNextOnAPausedQueueIsAConflictAndLeavesThePatientWaiting() {
    String queue = app.newQueue();
    Entry patient = app.checkIn(queue, "Percival Oddbody");
    app.commands.pause(queue, true, "test").await();
    String detail = refused(409, () -> app.post("/api/v1/queues/" + queue + "/call-next", "{\"calledTo\": \"Room 1\"}"));
    assertThat(detail).contains("paused");
    assertThat(app.commands.entry(patient.id()).await().status()).isEqualTo(Status.WAITING);
  }

  @Test
  void pausingAPausedQueueIsAConflict() {
    String queue = app.newQueue();
    app.commands.pause(queue, true, "test").await();
    refused(409, () -> app.post("/api/v1/queues/" + queue + "/pause"));
  }

  @Test
  void aDuplicateSiteIdIsAConflict() {
    String detail = refused(409, () -> app.post("/api/v1/sites",
        "{\"id\": \"" + SITE + "\", \"name\": \"Again\", \"timeZone\": \"Europe/Paris\"}"));
    assertThat(detail).contains(SITE);
    assertThat(app.commands.site(SITE).await().name()).isEqualTo("Riverside Clinic");
  }

  @Test
  void anInvalidTimeZoneIsRefusedAs422() {
    String detail = refused(422, () -> app.post("/api/v1/sites",
        "{\"id\": \"mars\", \"name\": \"Olympus\", \"timeZone\": \"Mars/Olympus_Mons\"}"));
    assertThat(detail).contains("Mars/Olympus_Mons");
    refused(422, () -> app.post("/api/v1/sites", "{\"id\": \"mars\", \"name\": \"Olympus\", \"timeZone\": \"not a zone\"}"));
  }

  @Test
  void transferringToTheSameQueueIsRefusedAs422() {
    refused(422, () -> app.post("/api/v1/entries/" + waiting.id() + "/transfer", "{\"queueId\": \"" + GENERAL + "\"}"));
  }

  @Test
  void transferringToAnUnknownQueueIsRefusedAs404() {
    refused(404, () -> app.post("/api/v1/entries/" + waiting.id() + "/transfer", "{\"queueId\": \"no-such-queue\"}"));
    assertThat(app.seq(LAB)).isZero();
  }

  // --- patient links

  @Test
  void anUnknownPatientLinkIsA404() {
    refused(404, () -> app.anonymous(HttpMethod.GET, "/api/v1/visits/" + "A".repeat(32)).send().await());
  }

  @Test
  void aMalformedPatientLinkIsA400() {
    refused(400, () -> app.anonymous(HttpMethod.GET, "/api/v1/visits/short").send().await());
  }

  @Test
  void yesterdaysPatientLinkIsGone() {
    String queue = app.newQueue();
    String token = app.visitToken(app.checkIn(queue, "Ermintrude Vole"));
    app.clock.advance(Duration.ofDays(1));
    try {
      HttpResponse<Buffer> gone = app.anonymous(HttpMethod.GET, "/api/v1/visits/" + token).send().await();
      assertThat(gone.statusCode()).isEqualTo(410);
      assertThat(gone.bodyAsJsonObject().getString("type")).endsWith("/link-expired");
      assertThat(gone.bodyAsJsonObject().getString("detail")).contains("expired");
      refused(410, () -> app.anonymous(HttpMethod.POST, "/api/v1/visits/" + token + "/leave").send().await());
    } finally {
      app.clock.advance(Duration.ofDays(-1));
    }
  }

  @Test
  void theLinkOfAnEndedVisitIsGone() {
    String queue = app.newQueue();
    Entry e = app.checkIn(queue, "Ignatius Plumtree");
    String token = app.visitToken(e);
    app.commands.leave(e.id(), "test").await();
    HttpResponse<Buffer> gone = app.anonymous(HttpMethod.GET, "/api/v1/visits/" + token).send().await();
    assertThat(gone.statusCode()).isEqualTo(410);
    assertThat(gone.bodyAsJsonObject().getString("type")).endsWith("/visit-ended");
    refused(410, () -> app.anonymous(HttpMethod.POST, "/api/v1/visits/" + token + "/running-late").send().await());
  }
}
