package io.waitline.sync.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelativeReferenceTest {
  @Test
  void anyFormOfAReferenceComesDownToItsTypeAndId() {
    assertThat(FhirAppointmentReader.relative("Patient/7")).isEqualTo("Patient/7");
    assertThat(FhirAppointmentReader.relative("https://ehr.example.org/fhir/Patient/7")).isEqualTo("Patient/7");
    assertThat(FhirAppointmentReader.relative("https://ehr.example.org/fhir/Patient/7/_history/2"))
        .isEqualTo("Patient/7");
    assertThat(FhirAppointmentReader.relative("Location/loc-1/")).isEqualTo("Location/loc-1");
  }

  @Test
  void aReferenceOfOnePartIsKeptAsItIs() {
    assertThat(FhirAppointmentReader.relative("7")).isEqualTo("7");
    assertThat(FhirAppointmentReader.relative("urn:uuid:0b9e")).isEqualTo("urn:uuid:0b9e");
    assertThat(FhirAppointmentReader.relative("7/")).isEqualTo("7/");
  }
}
