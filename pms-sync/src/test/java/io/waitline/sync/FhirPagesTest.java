package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.waitline.sync.fhir.FhirAppointmentReader;
import io.waitline.sync.fhir.FhirR4Kind;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceCredentials;
import io.waitline.sync.source.SourceGuard;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A polled page is read from the resources parsed with it, not parsed again from each record's payload; what it
 * reads must be exactly what the payload reads (the inbox keeps the payload, and a dead letter replays it).
 */
class FhirPagesTest {
  static final Instant NINE = Instant.parse("2026-11-20T08:00:00Z");

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(3);
  final WorkerExecutor workers = w.vertx.createSharedWorkerExecutor("fhir-pages-test", 2);
  final FhirR4Kind kind = new FhirR4Kind(FhirContext.forR4Cached(), workers, new SourceCredentials(w.vertx, w.clock),
      s -> new SourceGuard(w.vertx, "fhir-pages-test", SyncWorld.testSettings().resilience(), w.clock),
      Duration.ofSeconds(10), 3);

  @AfterEach
  void closeWorkers() {
    w.get(workers.close());
  }

  @Test
  void eachRecordOfAPolledPageReadsAsItsOwnPayloadWouldWhateverItsShape() {
    for (int i = 1; i <= 4; i++) {
      fhir.putPatient(Fhir.patient("p" + i, "Pat" + i, "Lee", "1980-01-0" + i, "MRN-" + i));
      fhir.putAppointment(Fhir.appointment("a" + i, AppointmentStatus.BOOKED, NINE.plusSeconds(600L * i), "p" + i,
          i % 2 == 0 ? "lab" : "room-1"));
    }
    // a second patient participant: the payload carries only the first one's Patient
    Appointment twoPatients = Fhir.appointment("a5", AppointmentStatus.ARRIVED, NINE.plusSeconds(3600), "p1", null);
    twoPatients.addParticipant().setActor(new Reference("Patient/p2"));
    fhir.putAppointment(twoPatients);
    fhir.putAppointment(Fhir.appointment("a6", AppointmentStatus.BOOKED, NINE.plusSeconds(4200), "gone", "lab"));
    Appointment noStatus = Fhir.appointment("a7", AppointmentStatus.BOOKED, NINE.plusSeconds(4800), "p3", "lab");
    noStatus.setStatus(null);
    fhir.putAppointment(noStatus);
    Source source = w.fhirSource("HAPI", fhir.baseUrl());
    LocalDate today = LocalDate.ofInstant(NINE, ZoneId.of("Europe/Paris"));

    Map<String, Object> fromPages = new LinkedHashMap<>();
    Map<String, Object> fromPayloads = new LinkedHashMap<>();
    List<Integer> pageSizes = new ArrayList<>();
    w.get(kind.poll(source, null, today, today.plusDays(1), (records, reader, watermark) -> {
      pageSizes.add(records.size());
      for (ReceivedRecord r : records) {
        fromPages.put(r.externalId(), readOrWhy(reader, r, source));
        fromPayloads.put(r.externalId(), readOrWhy(kind.reader(), r, source));
      }
      return Future.succeededFuture();
    }));

    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(fromPages).containsExactlyEntriesOf(fromPayloads);
    assertThat(fromPages.get("Appointment/a2")).isInstanceOf(io.waitline.sync.pipeline.SourceAppointment.class);
    assertThat(fromPages.get("Appointment/a5"))
        .isEqualTo("The appointment's patient Patient/p2 was not in the source's answer.");
    assertThat(fromPages.get("Appointment/a6"))
        .isEqualTo("The appointment's patient Patient/gone was not in the source's answer.");
    assertThat(fromPages.get("Appointment/a7")).isEqualTo("Appointment a7 has no status.");
  }

  @Test
  void aRecordKeepsItsResourcesAsTheServerWroteThemAndTheSameVersionPolledAgainHasTheSamePayload() {
    fhir.prettyPrint();
    for (int i = 1; i <= 4; i++) {
      fhir.putPatient(Fhir.patient("p" + i, "Pat" + i, "Lee", "1980-01-0" + i, "MRN-" + i));
      fhir.putAppointment(Fhir.appointment("a" + i, AppointmentStatus.BOOKED, NINE.plusSeconds(600L * i), "p" + i,
          "lab"));
    }
    Source source = w.fhirSource("HAPI", fhir.baseUrl());
    LocalDate today = LocalDate.ofInstant(NINE, ZoneId.of("Europe/Paris"));

    Map<String, String> first = payloads(source, today);
    Map<String, String> second = payloads(source, today);

    assertThat(first).hasSize(4).isEqualTo(second);
    FhirAppointmentReader reader = new FhirAppointmentReader(FhirContext.forR4Cached());
    for (Map.Entry<String, String> e : first.entrySet()) {
      // the server's own indentation, not HAPI's encoding of the parsed resources (compact)
      assertThat(e.getValue()).contains("\"resourceType\": \"Appointment\"", "\"resourceType\": \"Patient\"");
      assertThat(readOrWhy(kind.reader(), new ReceivedRecord(e.getKey(), "1", 1, e.getValue()), source))
          .isInstanceOf(io.waitline.sync.pipeline.SourceAppointment.class);
    }
    assertThat(reader.payload(Fhir.appointment("a1", AppointmentStatus.BOOKED, NINE, "p1", "lab"), null))
        .doesNotContain("\"resourceType\": \"Appointment\"");
  }

  /** The payload of each record one poll of today's appointments gives, by external id. */
  private Map<String, String> payloads(Source source, LocalDate today) {
    Map<String, String> payloads = new LinkedHashMap<>();
    w.get(kind.poll(source, null, today, today.plusDays(1), (records, reader, watermark) -> {
      records.forEach(r -> payloads.put(r.externalId(), r.payload()));
      return Future.succeededFuture();
    }));
    return payloads;
  }

  /** What the reader makes of the record: the appointment read, or the sentence it is refused with. */
  private static Object readOrWhy(RecordReader reader, ReceivedRecord r, Source source) {
    try {
      return reader.read(r, source.mapping());
    } catch (RecordReader.Unreadable u) {
      return u.getMessage();
    }
  }
}
