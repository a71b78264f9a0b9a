package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.CONFLICT;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Status;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Records that cannot be applied, their replay, and patients matched across sources. */
class DeadLettersAndMatchingTest {

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer openmrs = w.fhirServer(50);
  final FhirTestServer openemr = w.fhirServer(50);

  /** A source whose mapping knows only the two rooms: no default queue. */
  Source strictSource(FhirTestServer server) {
    return w.create(SyncWorld.fhirDefinition("Strict", server.baseUrl(), new JsonObject().put("queues", new JsonArray()
        .add(new JsonObject().put("match", "location").put("value", "Location/room-1").put("queue", "general")))));
  }

  @Test
  void anUnmappedLocationGoesToDeadLettersWithASentenceAndTheRecordsAfterItStillApply() {
    Source s = strictSource(openmrs);
    openmrs.putPatient(Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));
    openmrs.putPatient(Fhir.patient("p2", "Bob", "Ray", "1975-02-11", "M2"));
    openmrs.putAppointment(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", "attic"));
    openmrs.putAppointment(Fhir.appointment("a2", AppointmentStatus.BOOKED, TEN, "p2", "room-1"));
    openmrs.putAppointment(Fhir.appointment("a3", AppointmentStatus.BOOKED, TEN, "missing", "room-1"));

    SyncReport report = w.get(w.sync.syncNow(s.id(), false));

    assertThat(report.count(Outcome.DEAD)).isEqualTo(2);
    assertThat(report.count(Outcome.APPLIED)).isEqualTo(1);
    assertThat(w.entryFor(s, "a2").status()).isEqualTo(Status.EXPECTED);
    List<JsonObject> dead = w.get(w.sync.deadLetters(s.id()));
    assertThat(dead).extracting(d -> d.getString("reason")).containsExactlyInAnyOrder(
        "No queue is mapped for this appointment (location Location/attic) and the mapping has no defaultQueue.",
        "The appointment's patient Patient/missing was not in the source's answer.");
    // polled again, the same versions are duplicates, not new dead letters
    w.get(w.sync.syncNow(s.id(), false));
    assertThat(w.get(w.sync.deadLetters(s.id()))).hasSize(2);
  }

  @Test
  void aDeadLetterReplayedAfterTheMappingIsFixedBecomesAnEntryOnce() {
    Source s = strictSource(openmrs);
    openmrs.putPatient(Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));
    openmrs.putAppointment(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", "attic"));
    w.get(w.sync.syncNow(s.id(), false));
    UUID deadId = UUID.fromString(w.get(w.sync.deadLetters(s.id())).get(0).getString("id"));

    JsonObject stillDead = w.get(w.sync.replay(deadId));
    assertThat(stillDead.getString("outcome")).isEqualTo("dead");

    w.get(w.sync.update(s.id(), new JsonObject().put("mapping", new JsonObject().put("defaultQueue", "lab"))));
    JsonObject replayed = w.get(w.sync.replay(deadId));

    assertThat(replayed.getString("outcome")).isEqualTo("applied");
    assertThat(w.entryFor(s, "a1").queueId()).isEqualTo("lab");
    assertThat(w.get(w.sync.deadLetters(s.id()))).isEmpty();
    assertThat(w.failure(w.sync.replay(deadId))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", CONFLICT)
        .hasMessageStartingWith("This dead letter was already replayed");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
  }

  @Test
  void anOlderVersionAfterANewerOneIsIgnored() {
    Source s = w.fhirSource("HAPI", openmrs.baseUrl());
    openmrs.putPatient(Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));
    Appointment v1 = openmrs.putAppointment(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null));
    w.clock.advance(Duration.ofMinutes(1));
    openmrs.putAppointment(v1.copy().setStart(java.util.Date.from(TEN.plusSeconds(1800))));
    w.get(w.sync.syncNow(s.id(), false));

    // a late delivery of version 1 (e.g. a slow subscription notification)
    var kind = new io.waitline.sync.fhir.FhirAppointmentReader(ca.uhn.fhir.context.FhirContext.forR4Cached());
    var record = new io.waitline.sync.pipeline.ReceivedRecord("Appointment/a1", "1", 1,
        kind.payload(v1, Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1")));
    var result = w.get(new io.waitline.sync.pipeline.Pipeline(w.commands, new io.waitline.sync.store.SyncStore(false),
        w.clock, w.vertx.createSharedWorkerExecutor("stale-test"), null).receive(w.get(w.sync.source(s.id())), record, kind));

    assertThat(result.outcome()).isEqualTo(Outcome.STALE);
    assertThat(w.entryFor(s, "a1").appointmentAt()).isEqualTo(TEN.plusSeconds(1800));
  }

  @Test
  void twoSourcesShareAPatientByIdentifierAndANameAndBirthDateMatchIsOnlySuggested() {
    Source mrs = w.fhirSource("OpenMRS", openmrs.baseUrl());
    Source emr = w.fhirSource("OpenEMR", openemr.baseUrl());
    openmrs.putPatient(Fhir.patient("u-1", "Ann", "Lee", "1980-04-23", "SHARED-1"));
    openemr.putPatient(Fhir.patient("77", "Ann", "Lee", "1980-04-23", "SHARED-1"));
    Patient lookalike = Fhir.patient("78", "ann", "lee", "1980-04-23", null);
    openemr.putPatient(lookalike);
    openmrs.putAppointment(Fhir.appointment("m1", AppointmentStatus.BOOKED, TEN, "u-1", null));
    openemr.putAppointment(Fhir.appointment("e1", AppointmentStatus.BOOKED, TEN.plusSeconds(3600), "77", "lab"));
    openemr.putAppointment(Fhir.appointment("e2", AppointmentStatus.BOOKED, TEN.plusSeconds(7200), "78", null));

    w.get(w.sync.syncNow(mrs.id(), false));
    w.get(w.sync.syncNow(emr.id(), false));

    assertThat(w.count("SELECT count(*) FROM sync_patient")).isEqualTo(2);
    assertThat(w.count("SELECT count(DISTINCT patient_id) FROM sync_appointment WHERE external_id IN"
        + " ('Appointment/m1', 'Appointment/e1')")).isEqualTo(1);
    List<JsonObject> reviews = w.get(w.sync.matchReviews(SyncWorld.SITE));
    assertThat(reviews).hasSize(1);
    assertThat(reviews.get(0).getJsonObject("patient").getString("name")).isEqualTo("ann lee");
    assertThat(reviews.get(0).getJsonObject("candidate").getString("name")).isEqualTo("Ann Lee");

    UUID review = UUID.fromString(reviews.get(0).getString("id"));
    w.get(w.sync.resolveReview(SyncWorld.SITE, review, true, "staff:maria"));

    assertThat(w.count("SELECT count(DISTINCT patient_id) FROM sync_appointment")).isEqualTo(1);
    assertThat(w.get(w.sync.matchReviews(SyncWorld.SITE))).isEmpty();
    assertThat(w.failure(w.sync.resolveReview(SyncWorld.SITE, review, false, "staff:maria")))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", CONFLICT)
        .hasMessage("This suggested match was already confirmed.");
  }

  @Test
  void aRejectedSuggestionKeepsThePatientsApartAndIsNotSuggestedAgain() {
    Source emr = w.fhirSource("OpenEMR", openemr.baseUrl());
    openemr.putPatient(Fhir.patient("1", "Ann", "Lee", "1980-04-23", "X-1"));
    openemr.putPatient(Fhir.patient("2", "Ann", "Lee", "1980-04-23", null));
    openemr.putAppointment(Fhir.appointment("e1", AppointmentStatus.BOOKED, TEN, "1", null));
    openemr.putAppointment(Fhir.appointment("e2", AppointmentStatus.BOOKED, TEN, "2", null));
    w.get(w.sync.syncNow(emr.id(), false));
    UUID review = UUID.fromString(w.get(w.sync.matchReviews(SyncWorld.SITE)).get(0).getString("id"));

    w.get(w.sync.resolveReview(SyncWorld.SITE, review, false, "staff:maria"));
    w.clock.advance(Duration.ofMinutes(5));
    openemr.putAppointment(openemr.appointment("e2").setStatus(AppointmentStatus.ARRIVED));
    w.get(w.sync.syncNow(emr.id(), false));

    assertThat(w.count("SELECT count(DISTINCT patient_id) FROM sync_appointment")).isEqualTo(2);
    assertThat(w.get(w.sync.matchReviews(SyncWorld.SITE))).isEmpty();
    assertThat(w.entryFor(emr, "e2").status()).isEqualTo(Status.WAITING);
  }
}
