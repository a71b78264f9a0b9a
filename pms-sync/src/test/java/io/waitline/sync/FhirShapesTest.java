package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resources in the shapes real systems send, from other projects' published examples and test data
 * (/work/shared/fixtures): the FHIR R4 specification's examples, OpenMRS's FHIR2 module, OpenEMR's FHIR API.
 */
class FhirShapesTest {
  static final Instant ELEVEN = Instant.parse("2026-11-20T10:00:00Z");

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(20);

  Source source(String name, JsonObject mapping) {
    return w.create(SyncWorld.fhirDefinition(name, fhir.baseUrl(), mapping));
  }

  @Test
  void theSpecificationsAppointmentAndPatientExamplesMapServiceTypeMrnMobileEmailAndLanguage() {
    Source s = source("Spec", new JsonObject().put("mrnSystem", "urn:oid:1.2.36.146.595.217.0.1")
        .put("queues", new JsonArray().add(new JsonObject().put("match", "serviceType").put("value", "52")
            .put("queue", "lab"))));
    Appointment appointment = Fhir.fixture(Appointment.class, "fhir/appointment/r4spec_appointment-example.json");
    Patient peter = Fhir.fixture(Patient.class, "fhir/patient/r4spec_patient-example.json");
    Patient pieter = Fhir.fixture(Patient.class, "fhir/patient/r4spec_patient-example-f001-pieter.json");
    Appointment second = appointment.copy();
    second.setId("example-2");
    second.getParticipantFirstRep().setActor(new Reference("Patient/f001"));
    Bundle sample = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    sample.addEntry().setResource(appointment);
    sample.addEntry().setResource(second);
    sample.addEntry().setResource(peter);
    sample.addEntry().setResource(pieter);

    JsonArray preview = w.get(w.sync.dryRun(s.id(), FhirContext.forR4Cached().newJsonParser()
        .encodeResourceToString(sample)));

    assertThat(preview).hasSize(2);
    JsonObject first = preview.getJsonObject(0);
    assertThat(first.getString("externalId")).isEqualTo("Appointment/example");
    assertThat(first.getString("visit")).isEqualTo("expected");
    assertThat(first.getString("queue")).isEqualTo("lab");
    assertThat(first.getString("start")).isEqualTo("2013-12-10T09:00:00Z");
    JsonObject p = first.getJsonObject("patient");
    assertThat(p.getString("name")).isEqualTo("Peter James Chalmers"); // the official name, not the usual "Jim"
    assertThat(p.getString("birthDate")).isEqualTo("1974-12-25");
    assertThat(p.getString("mrn")).isEqualTo("12345");
    assertThat(p.getString("phone")).isEqualTo("(03) 3410 5613"); // the mobile, not the work or old number
    assertThat(first.containsKey("problem")).isFalse();
    JsonObject dutch = preview.getJsonObject(1).getJsonObject("patient");
    assertThat(dutch.getString("name")).isEqualTo("Pieter van de Heuvel");
    assertThat(dutch.getString("email")).isEqualTo("p.heuvel@gmail.com");
    assertThat(dutch.getString("language")).isEqualTo("nl");
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isZero(); // a dry run writes nothing
  }

  @Test
  void anOpenMrsPatientWhoseIdentifierHasATypeButNoSystemIsMatchedByThatType() {
    Patient adam = Fhir.fixture(Patient.class, "openmrs/fhir2_PatientWebTest_create.json");
    adam.setId("0a1b2c3d-openmrs-uuid");
    fhir.putPatient(adam);
    fhir.putAppointment(Fhir.appointment("opm-1", Appointment.AppointmentStatus.BOOKED, ELEVEN,
        "0a1b2c3d-openmrs-uuid", null));
    Source s = source("OpenMRS", new JsonObject().put("defaultQueue", "general")
        .put("mrnSystem", "urn:waitline:identifier-type:Test Identifier Type"));

    SyncReport report = w.get(w.sync.syncNow(s.id(), false));

    assertThat(report.count(Outcome.APPLIED)).isEqualTo(1);
    Entry e = w.entryFor(s, "opm-1");
    assertThat(e.patient().name()).isEqualTo("Adam John");
    assertThat(e.patient().mrn()).isEqualTo("4444-6");
    assertThat(e.patient().birthDate()).hasToString("2004-08-12");
  }

  @Test
  void anOpenEmrAppointmentIsReadWithItsPatientFetchedByIdWhenTheServerIgnoresIncludes() {
    fhir.ignoreIncludes(); // OpenEMR documents only _id, _lastUpdated and patient as Appointment search parameters
    Appointment emr = Fhir.fixture(Appointment.class, "openemr/tests_Fixtures_FHIR_appointment.json");
    emr.setId("96");
    emr.setStart(Date.from(ELEVEN));
    emr.addParticipant().setActor(new Reference("Patient/9"));
    fhir.putPatient(Fhir.patient("9", "Kim", "Park", "1990-07-01", "PID-9"));
    fhir.putAppointment(emr);
    Appointment noPatient = Fhir.fixture(Appointment.class, "openemr/tests_Fixtures_FHIR_appointment.json");
    noPatient.setId("97");
    noPatient.setStart(Date.from(ELEVEN));
    fhir.putAppointment(noPatient);
    Source s = source("OpenEMR", new JsonObject().put("defaultQueue", "general"));

    SyncReport report = w.get(w.sync.syncNow(s.id(), false));

    assertThat(report.count(Outcome.APPLIED)).isEqualTo(1);
    assertThat(report.count(Outcome.DEAD)).isEqualTo(1);
    assertThat(fhir.requests).anyMatch(r -> r.startsWith("/fhir/Patient/9"));
    assertThat(w.entryFor(s, "96").patient().name()).isEqualTo("Kim Park");
    assertThat(w.get(w.sync.deadLetters(s.id())).get(0).getString("reason"))
        .isEqualTo("Appointment 97 has no Patient participant.");
  }
}
