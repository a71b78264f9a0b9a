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

  /** A backport event-notification Bundle carrying one booked Appointment (with a co-pay extension) and its Patient. */
  static String bookedWithCopay(String appointmentId, java.time.Instant start, String copayUrl, String amount) {
    var status = new org.hl7.fhir.r4.model.Parameters();
    status.addParameter().setName("status").setValue(new org.hl7.fhir.r4.model.CodeType("active"));
    status.addParameter().setName("type").setValue(new org.hl7.fhir.r4.model.CodeType("event-notification"));
    status.addParameter().setName("events-since-subscription-start")
        .setValue(new org.hl7.fhir.r4.model.StringType("1"));
    var event = status.addParameter().setName("notification-event");
    event.addPart().setName("event-number").setValue(new org.hl7.fhir.r4.model.StringType("1"));
    event.addPart().setName("focus").setValue(new org.hl7.fhir.r4.model.Reference("Appointment/" + appointmentId));
    var appointment = new org.hl7.fhir.r4.model.Appointment();
    appointment.setId(new org.hl7.fhir.r4.model.IdType("Appointment", appointmentId, "1"));
    appointment.getMeta().setVersionId("1");
    appointment.setStatus(org.hl7.fhir.r4.model.Appointment.AppointmentStatus.BOOKED);
    appointment.setStart(java.util.Date.from(start));
    appointment.addParticipant().setActor(new org.hl7.fhir.r4.model.Reference("Patient/p-" + appointmentId));
    appointment.addExtension(copayUrl, new org.hl7.fhir.r4.model.Money()
        .setValue(new java.math.BigDecimal(amount)).setCurrency("EUR"));
    var patient = new org.hl7.fhir.r4.model.Patient();
    patient.setId("p-" + appointmentId);
    patient.addName().setFamily("Copay").addGiven("Carla");
    var b = new org.hl7.fhir.r4.model.Bundle().setType(org.hl7.fhir.r4.model.Bundle.BundleType.HISTORY);
    b.addEntry().setResource(status);
    b.addEntry().setResource(appointment);
    b.addEntry().setResource(patient);
    return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeResourceToString(b);
  }

  @Test
  void anAppointmentsOwnCopayFromTheSourceIsWhatTheVisitOwes() {
    String copayUrl = "https://clinic.example/fhir/StructureDefinition/copay";
    String id = post("/api/v1/sites/" + SITE + "/sources", source("Billing EHR")
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL)
            .put("copay", new JsonObject().put("extension", copayUrl)))).bodyAsJsonObject().getString("id");
    problem(post("/api/v1/sites/" + SITE + "/sources", source("Bad").put("mapping", new JsonObject()
        .put("defaultQueue", TestApp.GENERAL).put("copay", new JsonObject().put("extension", "copay")))), 422);

    HttpResponse<Buffer> pushed = app.anonymous(HttpMethod.POST, "/fhir/r4/subscriptions/" + id)
        .putHeader(SyncApi.SECRET_HEADER, "subscription-SECRET-2")
        .sendBuffer(Buffer.buffer(bookedWithCopay("copay-1", app.clock.instant().plusSeconds(3600), copayUrl,
            "35.00"))).await();
    assertThat(pushed.statusCode()).as(pushed.bodyAsString()).isEqualTo(200);
    assertThat(pushed.bodyAsJsonObject().getString("action")).isEqualTo("applied");

    String entryId = app.pool.preparedQuery("SELECT id FROM entry WHERE appointment_ref = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id + ":Appointment/copay-1")).await().iterator().next()
        .getUUID("id").toString();
    JsonObject copay = app.staff(HttpMethod.GET, "/api/v1/entries/" + entryId + "/copay").send().await()
        .bodyAsJsonObject();
    assertThat(copay.getLong("amountMinor")).as(copay.encode()).isEqualTo(3500);
    assertThat(copay.getString("amount")).isEqualTo("€35.00");
  }

  @Test
  void aWebhookSourceTakesSignedEventsOverHttpAndRefusesUnsignedOnesEachAudited() {
    String secret = "pms-secret-over-http-1";
    String id = post("/api/v1/sites/" + SITE + "/sources", new JsonObject().put("kind", "webhook").put("name", "PMS")
        .put("subscription", new JsonObject().put("secret", secret))
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL).put("fields", new JsonObject()
            .put("eventId", "/id").put("appointmentId", "/appointment").put("status", "/status")
            .put("start", "/start").put("patientName", "/name")))).bodyAsJsonObject().getString("id");
    String body = new JsonObject().put("id", "evt-http-1").put("appointment", "77").put("status", "booked")
        .put("start", app.clock.instant().plusSeconds(3600).toString()).put("name", "Webb Hook").encode();
    String path = "/api/v1/sources/" + id + "/webhooks";

    HttpResponse<Buffer> applied = app.anonymous(HttpMethod.POST, path).putHeader("Content-Type", "application/json")
        .putHeader(io.waitline.sync.webhook.WebhookSignature.HEADER,
            io.waitline.sync.webhook.WebhookSignature.sign(secret, body, app.clock.instant()))
        .sendBuffer(Buffer.buffer(body)).await();
    assertThat(applied.statusCode()).as(applied.bodyAsString()).isEqualTo(200);
    assertThat(applied.bodyAsJsonObject().getString("outcome")).isEqualTo("applied");
    assertThat(problem(app.anonymous(HttpMethod.POST, path).sendBuffer(Buffer.buffer(body)).await(), 403)
        .getString("detail")).isEqualTo("The request carries no X-Waitline-Signature header.");
    // an empty body, signed as empty: the signature holds, the event is what is wrong
    assertThat(problem(app.anonymous(HttpMethod.POST, path).putHeader(io.waitline.sync.webhook.WebhookSignature.HEADER,
            io.waitline.sync.webhook.WebhookSignature.sign(secret, "", app.clock.instant())).send().await(), 422)
        .getString("detail")).isEqualTo("The event is not a JSON object.");
    assertThat(problem(app.staff(HttpMethod.POST, "/api/v1/sources/" + id + "/sync").send().await(), 422)
        .getString("detail")).isEqualTo("Source PMS is sent its appointments (webhook events or"
            + " uploaded files); there is nothing to poll.");

    app.settledAuditId(); // written when each answer has been sent: waited for up to a later marker
    JsonArray records = app.get("/api/v1/audit?action=sourceWebhook&limit=10").bodyAsJsonObject()
        .getJsonArray("items");
    assertThat(records.stream().map(r -> ((JsonObject) r).getInteger("outcome")))
        .containsExactlyInAnyOrder(200, 403, 422);
  }

  @Test
  void anHl7SourceNeedsItsSendingFacilityAndItsDryRunReadsAMessageSentAsAJsonString() {
    String sources = "/api/v1/sites/" + SITE + "/sources";
    JsonObject noHl7 = new JsonObject().put("kind", "hl7v2-mllp").put("name", "PMS")
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL));
    assertThat(problem(post(sources, noHl7), 422).getString("detail")).isEqualTo("An HL7 v2 source's mapping needs"
        + " hl7.sendingFacility (the MSH-4 its messages carry) and hl7.timeZone (of their local times, e.g."
        + " Europe/Paris).");
    HttpResponse<Buffer> created = post(sources, noHl7.copy().put("mapping", noHl7.getJsonObject("mapping").copy()
        .put("hl7", new JsonObject().put("sendingFacility", "CLINIC_PMS").put("timeZone", "Europe/Paris"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getJsonObject("mapping").getJsonObject("hl7").getString("sendingFacility"))
        .isEqualTo("CLINIC_PMS");

    String message = "MSH|^~\\&|PMS|CLINIC_PMS|W|C|20261120080000||SIU^S12|c1|P|2.5.1\r"
        + "SCH|A1|A1|||||||15|MIN|^^15^202611201000\rPID|1||4711^^^MRN||Lee^Ann\r";
    HttpResponse<Buffer> preview = app.staff(HttpMethod.POST, "/api/v1/sources/"
        + created.bodyAsJsonObject().getString("id") + "/dry-run").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(io.vertx.core.json.Json.encode(message))).await();
    assertThat(preview.statusCode()).as(preview.bodyAsString()).isEqualTo(200);
    JsonObject booked = preview.bodyAsJsonArray().getJsonObject(0);
    assertThat(booked.getString("externalId")).isEqualTo("Appointment/A1");
    assertThat(booked.getString("start")).isEqualTo("2026-11-20T09:00:00Z");
  }

  @Test
  void aCsvFileIsUploadedAsTextCsvCheckedByADryRunAndAppliedOnce() {
    String id = post("/api/v1/sites/" + SITE + "/sources", new JsonObject().put("kind", "csv").put("name", "Export")
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL).put("columns", new JsonObject()
            .put("appointmentId", "Id").put("start", "Start").put("patientName", "Name")))).bodyAsJsonObject()
        .getString("id");
    StringBuilder csv = new StringBuilder("Id,Start,Name\r\n");
    for (int i = 1; i <= 2_000; i++) { // the coming 20 days' appointments
      String start = app.clock.instant().plus(java.time.Duration.ofDays(1 + i % 20)).toString();
      csv.append("csv-").append(i).append(',').append(start).append(",Row ").append(i).append("\r\n");
    }
    csv.append("csv-bad,yesterday,Bad Row\r\n"); // row 2002
    Buffer file = Buffer.buffer(csv.toString());
    assertThat(file.length()).as("larger than other requests may be").isGreaterThan(64 * 1024);
    String path = "/api/v1/sources/" + id + "/files";

    JsonObject dry = app.staff(HttpMethod.POST, path + "?dryRun=true").putHeader("Content-Type", "text/csv")
        .sendBuffer(file).await().bodyAsJsonObject();
    assertThat(dry.getJsonArray("problems")).containsExactly(new JsonObject().put("row", 2002).put("column", "Start")
        .put("problem", "Column 'Start': 'yesterday' is not a time in the form 2026-11-20T10:30:00+01:00."));

    HttpResponse<Buffer> applied = app.staff(HttpMethod.POST, path).putHeader("Content-Type", "text/csv; charset=utf-8")
        .sendBuffer(file).await();
    assertThat(applied.statusCode()).as(applied.bodyAsString()).isEqualTo(200);
    assertThat(applied.bodyAsJsonObject().getJsonObject("outcomes"))
        .isEqualTo(new JsonObject().put("applied", 2_000).put("dead", 1));
    problem(app.anonymous(HttpMethod.POST, path).putHeader("Content-Type", "text/csv").sendBuffer(file).await(), 401);

    // refusals of the file speak of a file's limit and types, not of other requests'
    Buffer tooLarge = Buffer.buffer(new byte[8 * 1024 * 1024 + 1]);
    assertThat(problem(app.staff(HttpMethod.POST, path).putHeader("Content-Type", "text/csv").sendBuffer(tooLarge)
        .await(), 413).getString("detail")).isEqualTo("The file is larger than 8 MiB, the most one upload takes.");
    assertThat(problem(app.staff(HttpMethod.POST, path).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("\"a;b\"")).await(), 415).getString("detail"))
        .isEqualTo("Send the file as text/csv (or text/plain or application/octet-stream), or as the one file of a"
            + " multipart/form-data form.");
  }

  @Test
  void aCsvFileSentAsAFormIsReadLikeAPlainUploadAndAFormMustCarryOneFile() {
    String id = post("/api/v1/sites/" + SITE + "/sources", new JsonObject().put("kind", "csv").put("name", "Form")
        .put("mapping", new JsonObject().put("defaultQueue", TestApp.GENERAL).put("columns", new JsonObject()
            .put("appointmentId", "Id").put("start", "Start").put("patientName", "Name")))).bodyAsJsonObject()
        .getString("id");
    String start = app.clock.instant().plus(java.time.Duration.ofDays(2)).toString();
    Buffer csv = Buffer.buffer("Id,Start,Name\r\nform-1," + start + ",Ann Lee\r\nform-2,never,Bob Ray\r\n");
    String path = "/api/v1/sources/" + id + "/files";
    // as a browser's file field (or curl -F) sends it, with another field beside the file
    io.vertx.ext.web.multipart.MultipartForm form = io.vertx.ext.web.multipart.MultipartForm.create()
        .attribute("note", "evening export").binaryFileUpload("file", "export.csv", csv, "text/csv");

    JsonObject dry = app.staff(HttpMethod.POST, path + "?dryRun=true").sendMultipartForm(form).await()
        .bodyAsJsonObject();
    assertThat(dry.getJsonArray("problems")).containsExactly(new JsonObject().put("row", 3).put("column", "Start")
        .put("problem", "Column 'Start': 'never' is not a time in the form 2026-11-20T10:30:00+01:00."));
    HttpResponse<Buffer> applied = app.staff(HttpMethod.POST, path).sendMultipartForm(form).await();
    assertThat(applied.statusCode()).as(applied.bodyAsString()).isEqualTo(200);
    assertThat(applied.bodyAsJsonObject().getJsonObject("outcomes"))
        .isEqualTo(new JsonObject().put("applied", 1).put("dead", 1));

    io.vertx.ext.web.multipart.MultipartForm two = io.vertx.ext.web.multipart.MultipartForm.create()
        .binaryFileUpload("file", "a.csv", csv, "text/csv").binaryFileUpload("file", "b.csv", csv, "text/csv");
    assertThat(problem(app.staff(HttpMethod.POST, path).sendMultipartForm(two).await(), 400).getString("detail"))
        .isEqualTo("A form with a CSV file carries exactly one file field; this one carries 2.");
    problem(app.anonymous(HttpMethod.POST, path).sendMultipartForm(form).await(), 401);
    HttpResponse<Buffer> noBoundary = app.staff(HttpMethod.POST, path)
        .putHeader("Content-Type", "multipart/form-data; boundary=").sendBuffer(Buffer.buffer("--\r\n")).await();
    assertThat(problem(noBoundary, 400).getString("detail")).startsWith("A multipart form names its boundary");
    // elsewhere a form is still refused
    assertThat(problem(app.staff(HttpMethod.POST, "/api/v1/sites/" + SITE + "/sources").sendMultipartForm(form)
        .await(), 415).getString("detail")).contains("application/json");
  }
}
