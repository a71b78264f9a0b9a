package io.waitline.sync;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/** FHIR resources for tests, built with HAPI's model, and the shared fixtures of other projects. */
final class Fhir {
  static final String MRN = "urn:oid:1.2.36.146.595.217.0.1";

  private Fhir() {}

  static Patient patient(String id, String given, String family, String birthDate, String mrn) {
    Patient p = new Patient();
    p.setId(id);
    p.addName().setFamily(family).addGiven(given);
    p.setGender(Enumerations.AdministrativeGender.UNKNOWN);
    if (birthDate != null) p.getBirthDateElement().setValueAsString(birthDate);
    if (mrn != null) p.addIdentifier().setSystem(MRN).setValue(mrn);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue("+33612345678");
    return p;
  }

  static Appointment appointment(String id, Appointment.AppointmentStatus status, Instant start, String patientId,
      String locationId) {
    Appointment a = new Appointment();
    a.setId(id);
    a.setStatus(status);
    a.setStart(Date.from(start));
    a.setEnd(Date.from(start.plusSeconds(900)));
    a.addParticipant().setActor(new Reference("Patient/" + patientId))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    if (locationId != null) {
      a.addParticipant().setActor(new Reference("Location/" + locationId))
          .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    }
    return a;
  }

  /**
   * A resource from /work/shared/fixtures. A file holding a JSON array of resources (OpenEMR's test fixtures) gives
   * its first one.
   */
  static <T extends IBaseResource> T fixture(Class<T> type, String relative) {
    try {
      String text = Files.readString(fixturePath(relative)).strip();
      if (text.startsWith("[")) text = new io.vertx.core.json.JsonArray(text).getJsonObject(0).encode();
      return FhirContext.forR4Cached().newJsonParser().parseResource(type, text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file of /work/shared/fixtures, found by walking up from the working directory. */
  static Path fixturePath(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared/fixtures").resolve(relative);
      if (Files.exists(candidate)) return candidate;
      dir = dir.getParent();
    }
    throw new IllegalStateException("fixture " + relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
