package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The parse ceiling counts appointments, not the patients included beside them, of the pages parsed in its window. */
class HapiParseCeilingTest {

  /** A search page as a FHIR server sends it: three appointments, each with its patient included. */
  private static String page(int first) {
    Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (int i = first; i < first + 3; i++) {
      Patient p = new Patient();
      p.setId("Patient/p" + i);
      p.addName().setFamily("Ceiling").addGiven("Patient" + i);
      Appointment a = new Appointment();
      a.setId("Appointment/a" + i);
      a.setStatus(Appointment.AppointmentStatus.BOOKED);
      a.addParticipant().setActor(new Reference("Patient/p" + i));
      b.addEntry().setResource(a).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
      b.addEntry().setResource(p).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
    }
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(b);
  }

  @Test
  void countsThreeAppointmentsForEachPageOfThreeAppointmentsAndThreePatients() throws Exception {
    JsonObject result = HapiParseCeiling.measure(List.of(page(0), page(3)), 2, 200, 500);

    assertThat(result.getInteger("threads")).isEqualTo(2);
    assertThat(result.getLong("pages")).isPositive();
    assertThat(result.getLong("appointments")).isEqualTo(3 * result.getLong("pages"));
    assertThat(result.getLong("appointmentsPerSecond")).isPositive();
    assertThat(result.getLong("cpuMicrosPerAppointment")).isPositive();
  }
}
