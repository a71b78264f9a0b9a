package io.waitline.sync.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Map;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Each resource's text taken from a Bundle as the server sent it, and nothing taken that is not that resource's. */
class ReceivedJsonTest {
  static final FhirContext FHIR = FhirContext.forR4Cached();

  /** A searchset as a server might send it, pretty-printed: resources nested in resources, an entry without one. */
  static String searchset() {
    Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    Patient p = new Patient();
    p.setId("p1");
    p.addName().setFamily("Lee").addGiven("Ann");
    p.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Ann Lee, \"resource\": {}</div>");
    Patient contained = new Patient();
    contained.setId("mother");
    contained.addName().setFamily("Lee");
    Appointment a = new Appointment();
    a.setId("a1");
    a.setStatus(Appointment.AppointmentStatus.BOOKED);
    a.getContained().add(contained);
    a.addParticipant().setActor(new Reference("Patient/p1"));
    b.addEntry().setFullUrl("http://ehr/fhir/Appointment/a1").setResource(a);
    b.addEntry().setFullUrl("http://ehr/fhir/Patient/p1").setResource(p);
    b.addEntry().getResponse().setStatus("200 OK"); // an entry that carries no resource
    return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(b);
  }

  @Test
  void eachResourceIsTakenAsTheServerWroteItAndReadsAsTheResourceHapiParsed() {
    String text = searchset();
    Bundle parsed = FHIR.newJsonParser().parseResource(Bundle.class, text);

    Map<Resource, String> texts = ReceivedJson.of(parsed, text);

    assertThat(texts).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Resource r = parsed.getEntry().get(i).getResource();
      String own = texts.get(r);
      assertThat(text).contains(own);
      assertThat(own).startsWith("{").endsWith("}").contains("\"id\": \"" + r.getIdElement().getIdPart() + "\"");
      assertThat(FHIR.newJsonParser().encodeResourceToString(FHIR.newJsonParser().parseResource(own)))
          .isEqualTo(FHIR.newJsonParser().encodeResourceToString(r));
    }
    assertThat(texts.get(parsed.getEntry().get(0).getResource())).contains("\"contained\"", "\"mother\"");
  }

  @Test
  void aResourceTheTextDoesNotNameAlikeIsLeftToBeEncoded() {
    String text = searchset();
    Bundle parsed = FHIR.newJsonParser().parseResource(Bundle.class, text);
    // the text of another page, whose first resource has another id: only matching entries are taken
    String other = text.replace("\"id\": \"a1\"", "\"id\": \"a2\"");

    Map<Resource, String> texts = ReceivedJson.of(parsed, other);

    assertThat(texts).containsOnlyKeys(parsed.getEntry().get(1).getResource());
    assertThat(ReceivedJson.of(parsed, "{\"resourceType\": \"Bundle\", \"entry\": [{}]}")).isEmpty();
    assertThat(ReceivedJson.of(parsed, "not json")).isEmpty();
    assertThat(ReceivedJson.of(parsed, null)).isEmpty();
  }
}
