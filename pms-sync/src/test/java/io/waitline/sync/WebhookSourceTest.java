package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.FORBIDDEN;
import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.sync.source.Source;
import io.waitline.sync.webhook.WebhookSignature;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A practice-management system that posts signed JSON appointment events: mapped by JSON pointers, applied once per
 * event id, refused without a valid and fresh signature, and never polled.
 */
class WebhookSourceTest {
  static final String SECRET = "pms-webhook-secret-0123";

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  Source source;

  @BeforeEach
  void start() {
    source = w.create(sourceJson());
  }

  /** A webhook source of the site posting {@link #event}s, everything to {@code general} but room LAB-1. */
  static JsonObject sourceJson() {
    return SyncWorld.definition("webhook", "PMS", new JsonObject().put("defaultQueue", "general")
            .put("queues", new JsonArray().add(new JsonObject().put("match", "location").put("value", "LAB-1")
                .put("queue", "lab")))
            .put("statuses", new JsonObject().put("scheduled", "expected").put("checkedin", "arrived"))
            .put("fields", new JsonObject().put("eventId", "/id").put("occurredAt", "/occurred_at")
                .put("appointmentId", "/appointment/id").put("status", "/appointment/state")
                .put("start", "/appointment/starts_at").put("location", "/appointment/room")
                .put("patientName", "/patient/full_name").put("birthDate", "/patient/dob")
                .put("mrn", "/patient/chart_number").put("phone", "/patient/mobile")))
        .put("subscription", new JsonObject().put("secret", SECRET));
  }

  static JsonObject event(String id, String appointmentId, String state, Instant occurred, String room) {
    return new JsonObject().put("id", id).put("occurred_at", occurred.toString())
        .put("appointment", new JsonObject().put("id", appointmentId).put("state", state)
            .put("starts_at", TEN.toString()).put("room", room))
        .put("patient", new JsonObject().put("full_name", "Ann Lee").put("dob", "1980-04-23")
            .put("chart_number", 4711).put("mobile", "+33612345678"));
  }

  JsonObject post(JsonObject event, Instant signedAt) {
    String body = event.encode();
    return w.get(w.sync.webhookEvent(source.id(), WebhookSignature.sign(SECRET, body, signedAt), body));
  }

  @Test
  void aNewSourceThatNothingWasSentToYetIsUpWhileANewPolledOneIsDueToBeRead() {
    JsonObject quiet = w.get(w.sync.health(source.id()));
    assertThat(quiet.getString("state")).as("webhook, nothing sent yet").isEqualTo("UP");
    assertThat(quiet.getString("lastSuccessAt")).isNull();

    Source fhir = w.create(SyncWorld.fhirDefinition("EHR", "http://127.0.0.1:9/fhir",
        new JsonObject().put("defaultQueue", "general")));
    assertThat(w.get(w.sync.health(fhir.id())).getString("state")).as("FHIR, not read yet").isEqualTo("DEGRADED");
  }

  @Test
  void aSignedEventBecomesAnEntryByItsPointersAndARedeliveryIsAppliedOnce() {
    JsonObject booked = event("evt-1", "A-77", "scheduled", w.clock.instant(), "LAB-1");

    assertThat(post(booked, w.clock.instant()).getString("outcome")).isEqualTo("applied");
    assertThat(post(booked, w.clock.instant()).getString("outcome")).isEqualTo("duplicate");

    Entry e = w.entryFor(source, "A-77");
    assertThat(e.status()).isEqualTo(Status.EXPECTED);
    assertThat(e.queueId()).isEqualTo("lab");
    assertThat(e.appointmentAt()).isEqualTo(TEN);
    assertThat(e.patient().name()).isEqualTo("Ann Lee");
    assertThat(e.patient().phone()).isEqualTo("+33612345678");

    w.clock.advance(Duration.ofMinutes(2));
    JsonObject arrived = event("evt-2", "A-77", "checkedin", w.clock.instant(), "LAB-1");
    assertThat(post(arrived, w.clock.instant()).getString("outcome")).isEqualTo("applied");
    assertThat(w.entryFor(source, "A-77").status()).isEqualTo(Status.WAITING);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
  }

  @Test
  void anEarlierEventArrivingLateIsIgnored() {
    Instant t0 = w.clock.instant();
    post(event("evt-2", "A-1", "checkedin", t0.plusSeconds(60), null), t0);

    JsonObject late = post(event("evt-1", "A-1", "scheduled", t0, null), t0);

    assertThat(late.getString("outcome")).isEqualTo("stale");
    assertThat(w.entryFor(source, "A-1").status()).isEqualTo(Status.WAITING);
  }

  @Test
  void aMissingWrongOrStaleSignatureIsRefusedAndChangesNothing() {
    String body = event("evt-1", "A-1", "scheduled", w.clock.instant(), null).encode();
    Instant now = w.clock.instant();

    assertThat(w.failure(w.sync.webhookEvent(source.id(), null, body))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", FORBIDDEN)
        .hasMessage("The request carries no X-Waitline-Signature header.");
    assertThat(w.failure(w.sync.webhookEvent(source.id(), WebhookSignature.sign("another-secret-0000", body, now),
        body))).hasMessage("The signature does not match this body and this source's secret.");
    assertThat(w.failure(w.sync.webhookEvent(source.id(), WebhookSignature.sign(SECRET, body, now), body + " ")))
        .hasMessage("The signature does not match this body and this source's secret.");
    assertThat(w.failure(w.sync.webhookEvent(source.id(),
        WebhookSignature.sign(SECRET, body, now.minus(Duration.ofMinutes(6))), body)))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", FORBIDDEN)
        .hasMessageContaining("more than 5 minutes from now; a replayed or delayed request is refused.");
    assertThat(w.failure(w.sync.webhookEvent(source.id(), "t=1,v1=zz", body)))
        .hasMessage("The X-Waitline-Signature header must read t=<unix seconds>,v1=<64 hex digits>.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void anEventThatCannotBeAppliedIsADeadLetterWithASentence() {
    JsonObject noStart = event("evt-1", "A-1", "scheduled", w.clock.instant(), null);
    noStart.getJsonObject("appointment").putNull("starts_at");
    JsonObject unknownState = event("evt-2", "A-2", "teleported", w.clock.instant(), null);

    assertThat(post(noStart, w.clock.instant()).getString("outcome")).isEqualTo("dead");
    assertThat(post(unknownState, w.clock.instant()).getString("detail"))
        .isEqualTo("Appointment status 'teleported' is not in the mapping; add it under mapping.statuses.");
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("reason")).containsExactlyInAnyOrder(
        "The appointment has no start time, so it cannot be expected in a queue.",
        "Appointment status 'teleported' is not in the mapping; add it under mapping.statuses.");
    assertThat(w.failure(w.sync.webhookEvent(source.id(), WebhookSignature.sign(SECRET, "[]", w.clock.instant()),
        "[]"))).isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("The event is not a JSON object.");
  }

  @Test
  void aWebhookSourceIsNeverPolledAndNeedsASecretAndTheRequiredPointers() {
    assertThat(w.failure(w.sync.syncNow(source.id(), false))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("Source PMS is sent its appointments (webhook events or uploaded files); there is nothing to poll.");
    w.get(w.sync.tick()); // the scheduler passes it by
    assertThat(w.get(w.sync.health(source.id())).getString("lastError")).isNull();

    JsonObject noSecret = SyncWorld.definition("webhook", "Bare", new JsonObject().put("defaultQueue", "general"));
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, noSecret))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessageStartingWith("A webhook source needs subscription.secret");
    noSecret.put("subscription", new JsonObject().put("secret", SECRET));
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, noSecret)))
        .hasMessageStartingWith("A webhook source's mapping needs fields.eventId");
    noSecret.getJsonObject("mapping").put("fields", new JsonObject().put("colour", "/c"));
    assertThat(w.failure(w.sync.create(SyncWorld.SITE, noSecret)))
        .hasMessageStartingWith("The mapping's fields.colour is not a field Waitline reads");
  }

  @Test
  void theDryRunReadsASampleEventWithTheMapping() {
    JsonArray preview = w.get(w.sync.dryRun(source.id(),
        event("evt-9", "A-9", "scheduled", w.clock.instant(), "LAB-1").encode()));

    JsonObject one = preview.getJsonObject(0);
    assertThat(one.getString("externalId")).isEqualTo("Appointment/A-9");
    assertThat(one.getString("version")).isEqualTo("evt-9");
    assertThat(one.getString("queue")).isEqualTo("lab");
    assertThat(one.getJsonObject("patient").getString("mrn")).isEqualTo("4711");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void aDryRunSampleNamingNoEventOrAppointmentIsRefusedWithWhereNotAServerError() {
    assertThat(w.failure(w.sync.dryRun(source.id(), "{}"))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", INVALID).hasMessageContaining("/id");
    JsonObject noAppointment = event("evt-9", "A-9", "scheduled", w.clock.instant(), "LAB-1");
    noAppointment.remove("appointment");
    assertThat(w.failure(w.sync.dryRun(source.id(), new JsonArray().add(event("evt-8", "A-8", "scheduled",
        w.clock.instant(), "LAB-1")).add(noAppointment).encode())))
        .hasFieldOrPropertyWithValue("kind", INVALID).hasMessageStartingWith("Event 2 of the sample: ");
    assertThat(w.failure(w.sync.dryRun(source.id(), "x"))).hasMessage("The sample is not valid JSON.");
  }
}
