package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Polling a real HAPI FHIR server: pages, versions, the watermark, deletions and the conflict policy. */
class FhirPollingTest {
  static final Instant NINE = Instant.parse("2026-11-20T08:00:00Z"); // 09:00 in Paris

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirTestServer fhir = w.fhirServer(10);
  Source source;

  @BeforeEach
  void start() {
    source = w.fhirSource("HAPI", fhir.baseUrl());
  }

  void book(int n) {
    for (int i = 1; i <= n; i++) {
      fhir.putPatient(Fhir.patient("p" + i, "Pat" + i, "Lee", "1980-01-0" + (1 + i % 9), "MRN-" + i));
      fhir.putAppointment(Fhir.appointment("a" + i, AppointmentStatus.BOOKED, NINE.plusSeconds(600L * i), "p" + i,
          i % 5 == 0 ? "lab" : "room-1"));
      w.clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void todaysAppointmentsAcrossPagesBecomeExpectedEntriesInTheMappedQueues() {
    book(25);

    SyncReport report = w.get(w.sync.syncNow(source.id(), false));

    assertThat(report.pages()).isEqualTo(3);
    assertThat(report.count(Outcome.APPLIED)).isEqualTo(25);
    assertThat(fhir.requests).anyMatch(r -> r.contains("_include=Appointment%3Apatient")
        || r.contains("_include=Appointment:patient"));
    assertThat(w.siteEntries()).hasSize(25).allMatch(e -> e.status() == Status.EXPECTED);
    Entry fifth = w.entryFor(source, "a5");
    assertThat(fifth.queueId()).isEqualTo("lab");
    assertThat(fifth.appointmentAt()).isEqualTo(NINE.plusSeconds(3000));
    assertThat(fifth.patient().name()).isEqualTo("Pat5 Lee");
    assertThat(fifth.patient().mrn()).isEqualTo("MRN-5");
    assertThat(fifth.patient().phone()).isEqualTo("+33612345678");
    assertThat(w.entryFor(source, "a4").queueId()).isEqualTo("general");
  }

  @Test
  void pollingAgainChangesNothingAndPublishesNoEvent() {
    book(12);
    w.get(w.sync.syncNow(source.id(), false));
    int events = w.published.size();
    w.clock.advance(Duration.ofMinutes(1));

    SyncReport again = w.get(w.sync.syncNow(source.id(), false));

    // the watermark overlap (clock-skew margin) re-reads the latest records: each is a duplicate
    assertThat(again.count(Outcome.APPLIED)).isZero();
    assertThat(again.count(Outcome.DUPLICATE)).isEqualTo(again.records()).isPositive();
    assertThat(w.published).hasSize(events);
    assertThat(w.siteEntries()).hasSize(12);
  }

  @Test
  void laterPollsAskOnlyForChangesSinceTheWatermarkMinusTheSkewMargin() {
    book(3);
    w.get(w.sync.syncNow(source.id(), false));
    w.clock.advance(Duration.ofMinutes(10));
    Appointment moved = fhir.appointment("a2");
    moved.setStart(java.util.Date.from(NINE.plusSeconds(7200)));
    fhir.putAppointment(moved);

    SyncReport report = w.get(w.sync.syncNow(source.id(), false));

    // the two unchanged appointments were updated within the skew margin before the watermark: read again, skipped
    assertThat(report.count(Outcome.APPLIED)).isEqualTo(1);
    assertThat(report.count(Outcome.DUPLICATE)).isEqualTo(2);
    assertThat(fhir.requests.get(fhir.requests.size() - 1)).contains("_lastUpdated=ge2026-11-20T06%3A58%3A02");
    assertThat(w.entryFor(source, "a2").appointmentAt()).isEqualTo(NINE.plusSeconds(7200));
  }

  @Test
  void statusChangesAtTheSourceMoveTheEntry() {
    book(3);
    w.get(w.sync.syncNow(source.id(), false));
    w.clock.advance(Duration.ofMinutes(5));
    fhir.putAppointment(fhir.appointment("a1").setStatus(AppointmentStatus.ARRIVED));
    fhir.putAppointment(fhir.appointment("a2").setStatus(AppointmentStatus.CANCELLED));
    fhir.putAppointment(fhir.appointment("a3").setStatus(AppointmentStatus.NOSHOW));

    w.get(w.sync.syncNow(source.id(), false));

    Entry arrived = w.entryFor(source, "a1");
    assertThat(arrived.status()).isEqualTo(Status.WAITING);
    assertThat(arrived.ticket()).isEqualTo("A-001");
    assertThat(w.entryFor(source, "a2").status()).isEqualTo(Status.CANCELLED);
    assertThat(w.entryFor(source, "a3").status()).isEqualTo(Status.NO_SHOW);
  }

  @Test
  void aSourceNeverRemovesAPatientWhoHasArrivedAndStaffSeeTheConflict() {
    book(1);
    w.get(w.sync.syncNow(source.id(), false));
    Entry e = w.entryFor(source, "a1");
    w.get(w.commands.arrive(e.id(), "desk"));
    w.clock.advance(Duration.ofMinutes(5));
    fhir.putAppointment(fhir.appointment("a1").setStatus(AppointmentStatus.CANCELLED));

    SyncReport report = w.get(w.sync.syncNow(source.id(), false));

    assertThat(report.count(Outcome.CONFLICT)).isEqualTo(1);
    assertThat(w.entryFor(source, "a1").status()).isEqualTo(Status.WAITING);
    var conflicts = w.get(w.sync.health(source.id())).getJsonArray("conflicts");
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.getJsonObject(0).getString("detail"))
        .isEqualTo("Ticket A-001 has arrived; the source cancelled the appointment, which was not applied.");
  }

  @Test
  void theNightlyFullReadCancelsAppointmentsTheSourceDeleted() {
    book(4);
    w.get(w.sync.syncNow(source.id(), false));
    fhir.deleteAppointment("a3");

    SyncReport partial = w.get(w.sync.syncNow(source.id(), false));
    assertThat(w.entryFor(source, "a3").status()).isEqualTo(Status.EXPECTED);

    SyncReport full = w.get(w.sync.syncNow(source.id(), true));

    assertThat(partial.fullRead()).isFalse();
    assertThat(full.fullRead()).isTrue();
    assertThat(w.entryFor(source, "a3").status()).isEqualTo(Status.CANCELLED);
    assertThat(w.siteEntries()).filteredOn(x -> x.status() == Status.EXPECTED).hasSize(3);
  }

  @Test
  void aPageThatFailsLeavesTheWatermarkAfterTheLastCommittedPageAndTheNextRunCatchesUpWithoutDuplicates() {
    book(25);
    fhir.failNextMatching("_getpagesoffset=20", 2, 503); // both attempts of this run

    Throwable failed = w.failure(w.sync.syncNow(source.id(), false));

    assertThat(failed).hasMessageContaining("503");
    assertThat(w.siteEntries()).hasSize(20);
    String watermark = w.get(w.sync.health(source.id())).getString("watermark");
    assertThat(Instant.parse(watermark)).isEqualTo(SyncWorld.START.plusSeconds(19));

    w.clock.advance(Duration.ofMinutes(1));
    SyncReport retry = w.get(w.sync.syncNow(source.id(), false));

    assertThat(retry.count(Outcome.APPLIED)).isEqualTo(5);
    assertThat(w.siteEntries()).hasSize(25);
    assertThat(w.count("SELECT count(DISTINCT appointment_ref) FROM entry")).isEqualTo(25);
  }
}
