package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.pipeline.SourceAppointment.Copay;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.Source;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An appointment's own co-pay, read from the extension the source's mapping names, reaches the payments side in the
 * transaction that applies the record: set, changed, removed, or refused with the whole record dead-lettered.
 */
class AppointmentCopayTest {
  static final String COPAY = "https://clinic.example/fhir/StructureDefinition/copay";

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(50);
  Source source;

  @BeforeEach
  void start() {
    source = w.create(SyncWorld.fhirDefinition("EHR", fhir.baseUrl(), new JsonObject().put("defaultQueue", "general")
        .put("mrnSystem", Fhir.MRN).put("copay", new JsonObject().put("extension", COPAY))));
    fhir.putPatient(Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));
  }

  static Appointment withCopay(Appointment a, String value, String currency) {
    a.addExtension(COPAY, new Money().setValue(new BigDecimal(value)).setCurrency(currency));
    return a;
  }

  @Test
  void theMappedExtensionsMoneyIsHandedOnAndFollowsLaterVersionsUntilItIsRemoved() {
    Appointment v1 = fhir.putAppointment(withCopay(
        Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null), "25.50", "EUR"));
    w.get(w.sync.syncNow(source.id(), false));
    var entry = w.entryFor(source, "a1");
    assertThat(w.copays.get(entry.id())).contains(new Copay(new BigDecimal("25.50"), "EUR"));

    w.clock.advance(Duration.ofMinutes(1));
    Appointment v2 = v1.copy();
    v2.getExtension().clear();
    fhir.putAppointment(withCopay(v2, "30", "EUR"));
    w.get(w.sync.syncNow(source.id(), false));
    assertThat(w.copays.get(entry.id())).contains(new Copay(new BigDecimal("30"), "EUR"));

    w.clock.advance(Duration.ofMinutes(1));
    Appointment v3 = v2.copy();
    v3.getExtension().clear();
    fhir.putAppointment(v3);
    w.get(w.sync.syncNow(source.id(), false));
    assertThat(w.copays.get(entry.id())).isEqualTo(Optional.empty());
  }

  @Test
  void anAmountThePaymentsSideRefusesDeadLettersTheRecordAndLeavesNoEntryBehind() {
    w.refuseCopays = "The appointment's co-pay is in USD but this site takes EUR.";
    fhir.putAppointment(withCopay(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null), "20", "USD"));

    SyncReport report = w.get(w.sync.syncNow(source.id(), false));

    assertThat(report.count(Outcome.DEAD)).isEqualTo(1);
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("reason"))
        .containsExactly("The appointment's co-pay is in USD but this site takes EUR.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
    assertThat(w.copays).isEmpty();
  }

  @Test
  void anExtensionWithoutMoneyIsUnreadableWithASentence() {
    Appointment a = Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null);
    a.addExtension(COPAY, new StringType("twenty euros"));
    fhir.putAppointment(a);

    w.get(w.sync.syncNow(source.id(), false));

    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("reason"))
        .containsExactly("Appointment a1 carries the co-pay extension without a valueMoney.");
    assertThat(w.count("SELECT count(*) FROM entry")).isZero();
  }

  @Test
  void theDryRunShowsTheCopayAndAMappingWithoutOneReadsNone() {
    Appointment a = withCopay(Fhir.appointment("a1", AppointmentStatus.BOOKED, TEN, "p1", null), "12.00", "EUR");
    fhir.putAppointment(a);
    String sample = new io.waitline.sync.fhir.FhirAppointmentReader(ca.uhn.fhir.context.FhirContext.forR4Cached())
        .payload(a, Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1"));

    JsonArray preview = w.get(w.sync.dryRun(source.id(), sample));

    assertThat(preview.getJsonObject(0).getJsonObject("copay"))
        .isEqualTo(new JsonObject().put("amount", "12.00").put("currency", "EUR"));

    Source plain = w.fhirSource("Plain", fhir.baseUrl());
    w.get(w.sync.syncNow(plain.id(), false));
    assertThat(w.copays).as("a mapping without copay hands nothing on").isEmpty();
  }

  @Test
  void aCopayExtensionThatIsNotAUrlIsRefused() {
    assertThatThrownBy(() -> Mapping.from(new JsonObject().put("defaultQueue", "general")
        .put("copay", new JsonObject().put("extension", "copay"))))
        .isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessage("The mapping's copay.extension must be the URL of an Appointment extension,"
            + " e.g. https://clinic.example/fhir/StructureDefinition/copay.");
  }

  @Test
  void aWebhookEventAndACsvRowCarryTheirCopayInTheFieldsTheirMappingNames() {
    Source pms = w.create(SyncWorld.definition("webhook", "PMS", new JsonObject().put("defaultQueue", "general")
        .put("fields", new JsonObject().put("eventId", "/id").put("appointmentId", "/appt").put("status", "/status")
            .put("start", "/start").put("patientName", "/name").put("copayAmount", "/copay/amount")
            .put("copayCurrency", "/copay/currency")))
        .put("subscription", new JsonObject().put("secret", "pms-webhook-secret-0123")));
    String event = new JsonObject().put("id", "e1").put("appt", "w1").put("status", "booked")
        .put("start", TEN.toString()).put("name", "Web Patient")
        .put("copay", new JsonObject().put("amount", 12.5).put("currency", "EUR")).encode();
    w.get(w.sync.webhookEvent(pms.id(), io.waitline.sync.webhook.WebhookSignature.sign("pms-webhook-secret-0123",
        event, w.clock.instant()), event));
    assertThat(w.copays.get(w.entryFor(pms, "w1").id())).contains(new Copay(new BigDecimal("12.5"), "EUR"));

    Source export = w.create(SyncWorld.definition("csv", "Export", new JsonObject().put("defaultQueue", "general")
        .put("columns", new JsonObject().put("appointmentId", "Id").put("start", "Start").put("patientName", "Name")
            .put("copayAmount", "Copay").put("copayCurrency", "Currency"))));
    String csv = "Id,Start,Name,Copay,Currency\r\nc1," + TEN + ",Csv Patient,20.00,EUR\r\nc2," + TEN
        + ",No Currency,20.00,\r\n";
    JsonObject report = w.get(w.sync.csvFile(export.id(), csv.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        false));

    assertThat(w.copays.get(w.entryFor(export, "c1").id())).contains(new Copay(new BigDecimal("20.00"), "EUR"));
    assertThat(report.getJsonArray("problems")).containsExactly(new JsonObject().put("row", 3).put("column", "Copay")
        .put("problem", "Column 'Copay': the co-pay 20.00 has no currency."));
  }
}
