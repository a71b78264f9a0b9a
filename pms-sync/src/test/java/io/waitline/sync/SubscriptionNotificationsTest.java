package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.FORBIDDEN;
import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Status;
import io.waitline.sync.source.Source;
import java.nio.file.Files;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FHIR Subscription notifications (R4 Subscriptions Backport and classic R4): full-resource events applied at once,
 * a gap in event numbers or a handshake answered with a catch-up poll, a wrong secret refused.
 */
class SubscriptionNotificationsTest {
  static final String SECRET = "a-long-subscription-secret";

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(20);
  Source source;

  @BeforeEach
  void start() {
    source = w.create(SyncWorld.fhirDefinition("Push", fhir.baseUrl(), new JsonObject().put("defaultQueue", "general"))
        .put("subscription", new JsonObject().put("secret", SECRET)));
  }

  /** A backport event-notification Bundle (history) with full resources, built with HAPI's model. */
  String eventNotification(long eventsSince, long eventNumber, Appointment appointment, String patientId) {
    Parameters status = new Parameters();
    status.addParameter().setName("subscription").setValue(new Reference("https://ehr.example/fhir/Subscription/1"));
    status.addParameter().setName("status").setValue(new CodeType("active"));
    status.addParameter().setName("type").setValue(new CodeType("event-notification"));
    status.addParameter().setName("events-since-subscription-start").setValue(new StringType(String.valueOf(eventsSince)));
    Parameters.ParametersParameterComponent event = status.addParameter().setName("notification-event");
    event.addPart().setName("event-number").setValue(new StringType(String.valueOf(eventNumber)));
    event.addPart().setName("focus").setValue(new Reference("Appointment/" + appointment.getIdElement().getIdPart()));
    Bundle b = new Bundle().setType(Bundle.BundleType.HISTORY);
    b.addEntry().setResource(status);
    b.addEntry().setResource(appointment);
    b.addEntry().setResource(Fhir.patient(patientId, "Pat", patientId, "1980-01-01", "M-" + patientId));
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(b);
  }

  Appointment stored(String id, String patientId) {
    fhir.putPatient(Fhir.patient(patientId, "Pat", patientId, "1980-01-01", "M-" + patientId));
    return fhir.putAppointment(Fhir.appointment(id, AppointmentStatus.BOOKED, TEN, patientId, null));
  }

  @Test
  void aFullResourceEventIsAppliedWithoutAskingTheSourceAndAGapInEventNumbersStartsACatchUpPoll() {
    Appointment a1 = stored("a1", "p1");
    JsonObject first = w.get(w.sync.subscriptionNotification(source.id(), SECRET, eventNotification(1, 1, a1, "p1")));

    assertThat(first.getString("action")).isEqualTo("applied");
    assertThat(fhir.fhirRequests()).isZero();
    assertThat(w.entryFor(source, "a1").status()).isEqualTo(Status.EXPECTED);

    // events 2 and 3 were lost on the way: their appointments exist only at the source
    stored("a2", "p2");
    stored("a3", "p3");
    Appointment a4 = stored("a4", "p4");
    fhir.failNext(1, 503); // and the source is briefly down when the catch-up asks it
    JsonObject gap = w.get(w.sync.subscriptionNotification(source.id(), SECRET, eventNotification(4, 4, a4, "p4")));

    assertThat(gap.getString("action")).as("what the notification carries is applied").isEqualTo("applied");
    assertThat(gap.getJsonObject("outcomes")).isEqualTo(new JsonObject().put("applied", 1));
    assertThat(gap.getString("catchUp")).isEqualTo("a gap in event numbers (1 then 4)");
    assertThat(w.entryFor(source, "a4").status()).as("not lost with the failed catch-up").isEqualTo(Status.EXPECTED);
    SyncWorld.waitUntil(() -> w.count("SELECT count(*) FROM entry") == 4);
    assertThat(w.count("SELECT count(DISTINCT appointment_ref) FROM entry")).isEqualTo(4);
  }

  @Test
  void theSameEventDeliveredTwiceChangesNothing() {
    Appointment a1 = stored("a1", "p1");
    String body = eventNotification(1, 1, a1, "p1");
    w.get(w.sync.subscriptionNotification(source.id(), SECRET, body));
    int events = w.published.size();

    JsonObject again = w.get(w.sync.subscriptionNotification(source.id(), SECRET, body));

    assertThat(again.getString("action")).isEqualTo("applied");
    assertThat(w.published).hasSize(events);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
  }

  @Test
  void aHandshakeFromTheBackportIgsExamplesStartsACatchUpPoll() throws Exception {
    stored("a1", "p1");
    String handshake = Files.readString(Fhir.fixturePath("fhir/subscriptions/inferno_handshake_bundle_example.json"));

    JsonObject answer = w.get(w.sync.subscriptionNotification(source.id(), SECRET, handshake));

    assertThat(answer.getString("action")).isEqualTo("catch-up");
    SyncWorld.waitUntil(() -> w.count("SELECT count(*) FROM entry") == 1);
  }

  @Test
  void aNotificationWithoutTheSourcesSecretIsRefusedAndChangesNothing() {
    Appointment a1 = stored("a1", "p1");

    Throwable refused = w.failure(w.sync.subscriptionNotification(source.id(), "wrong-secret-wrong-secret",
        eventNotification(1, 1, a1, "p1")));

    assertThat(refused).isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", FORBIDDEN)
        .hasMessage("The notification does not carry this source's secret.");
    assertThat(w.failure(w.sync.subscriptionNotification(source.id(), SECRET, "{not json")))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("The notification is not FHIR R4 JSON.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
    assertThat(w.get(w.sync.source(source.id())).toJson().encode()).doesNotContain(SECRET);
  }
}
