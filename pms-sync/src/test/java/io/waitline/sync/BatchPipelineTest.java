package io.waitline.sync;

import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.Status;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import io.waitline.sync.fhir.FhirAppointmentReader;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.pipeline.Pipeline;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.SiteIdentifier;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch of records applied in one transaction keeps every guarantee of the one-record path: bad records are dead
 * letters while the good ones apply, duplicates and older versions inside the batch change nothing, the desk's
 * patients are not moved, patients are matched across the batch, and every new entry is announced.
 */
class BatchPipelineTest {

  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  final FhirAppointmentReader reader = new FhirAppointmentReader(FhirContext.forR4Cached());
  Pipeline pipeline;
  Source source;

  @BeforeEach
  void start() {
    source = w.fhirSource("EHR", "http://127.0.0.1:9/fhir");
    pipeline = new Pipeline(w.commands, new SyncStore(false), w.clock, w.vertx.createSharedWorkerExecutor("batch-test"),
        null);
  }

  ReceivedRecord record(Appointment a, Patient p, long version) {
    return new ReceivedRecord("Appointment/" + a.getIdElement().getIdPart(), String.valueOf(version), version,
        reader.payload(a, p));
  }

  ReceivedRecord booked(String id, Instant start, Patient p, long version) {
    return record(Fhir.appointment(id, AppointmentStatus.BOOKED, start, p.getIdElement().getIdPart(), null), p,
        version);
  }

  List<Outcome> outcomes(List<ReceivedRecord> records) {
    return w.get(pipeline.receiveAll(source, records, reader)).stream().map(Pipeline.Result::outcome).toList();
  }

  @Test
  void badRecordsOfABatchGoToDeadLettersWithTheirSentenceWhileTheGoodOnesApply() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Patient bob = Fhir.patient("p2", "Bob", "Ray", "1975-02-11", "M2");
    Appointment noStart = Fhir.appointment("a3", AppointmentStatus.BOOKED, TEN, "p1", null);
    noStart.setStart(null);
    noStart.setEnd(null);

    List<Outcome> outcomes = outcomes(List.of(booked("a1", TEN, ann, 1),
        record(Fhir.appointment("a2", AppointmentStatus.BOOKED, TEN, "missing", null), null, 1),
        record(noStart, ann, 1), booked("a4", TEN.plusSeconds(600), bob, 1)));

    assertThat(outcomes).containsExactly(Outcome.APPLIED, Outcome.DEAD, Outcome.DEAD, Outcome.APPLIED);
    assertThat(w.entryFor(source, "a1").status()).isEqualTo(Status.EXPECTED);
    assertThat(w.entryFor(source, "a4").patient().name()).isEqualTo("Bob Ray");
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("reason"))
        .containsExactlyInAnyOrder("The appointment's patient Patient/missing was not in the source's answer.",
            "The appointment has no start time, so it cannot be expected in a queue.");
    assertThat(w.count("SELECT count(*) FROM sync_inbox WHERE outcome = 'dead'")).isEqualTo(2);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(2);
  }

  @Test
  void theSameVersionTwiceInOneBatchIsAppliedOnceAndThenADuplicate() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    ReceivedRecord once = booked("a1", TEN, ann, 1);

    assertThat(outcomes(List.of(once, once))).containsExactly(Outcome.APPLIED, Outcome.DUPLICATE);
    assertThat(outcomes(List.of(once))).containsExactly(Outcome.DUPLICATE);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isEqualTo(1);
  }

  @Test
  void anOlderVersionAfterANewerOneInTheSameBatchIsStaleAndANewerOneAfterAnOlderIsApplied() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Instant later = TEN.plusSeconds(1800);

    List<Outcome> outcomes = outcomes(List.of(booked("a1", later, ann, 2), booked("a1", TEN, ann, 1),
        booked("b1", TEN, ann, 1), booked("b1", later, ann, 2)));

    assertThat(outcomes).containsExactly(Outcome.APPLIED, Outcome.STALE, Outcome.APPLIED, Outcome.APPLIED);
    assertThat(w.entryFor(source, "a1").appointmentAt()).isEqualTo(later);
    assertThat(w.entryFor(source, "b1").appointmentAt()).isEqualTo(later);
    assertThat(w.count("SELECT count(*) FROM sync_appointment WHERE version = '2'")).isEqualTo(2);
    assertThat(w.get(w.pool.query("SELECT detail FROM sync_inbox WHERE outcome = 'stale'").execute())
        .iterator().next().getString(0)).isEqualTo("Version 1 is older than version 2 already applied.");
  }

  @Test
  void aPatientWhoArrivedIsNotMovedByABatchTheConflictIsRecordedAndTheRestApplies() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Patient bob = Fhir.patient("p2", "Bob", "Ray", "1975-02-11", "M2");
    outcomes(List.of(booked("a1", TEN, ann, 1)));
    Entry arrived = w.get(w.commands.arrive(w.entryFor(source, "a1").id(), "desk")).entry();

    List<Outcome> outcomes = outcomes(List.of(booked("a1", TEN.plusSeconds(3600), ann, 2),
        record(Fhir.appointment("a1", AppointmentStatus.CANCELLED, TEN, "p1", null), ann, 3),
        booked("a2", TEN, bob, 1)));

    assertThat(outcomes).containsExactly(Outcome.CONFLICT, Outcome.CONFLICT, Outcome.APPLIED);
    Entry now = w.entryFor(source, "a1");
    assertThat(now.status()).isEqualTo(Status.WAITING);
    assertThat(now.appointmentAt()).isEqualTo(TEN);
    assertThat(w.get(w.sync.health(source.id())).getJsonArray("conflicts")).extracting(c -> ((JsonObject) c)
        .getString("detail")).contains("Ticket " + arrived.ticket()
            + " has arrived; the source cancelled the appointment, which was not applied.");
    assertThat(w.entryFor(source, "a2").status()).isEqualTo(Status.EXPECTED);
  }

  @Test
  void twoRecordsOfOnePatientInABatchMakeOnePatientAndALookalikeIsOnlySuggested() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Patient lookalike = Fhir.patient("p9", "ann", "lee", "1980-04-23", null);

    outcomes(List.of(booked("a1", TEN, ann, 1), booked("a2", TEN.plusSeconds(600), ann, 1),
        booked("a3", TEN.plusSeconds(1200), lookalike, 1)));

    assertThat(w.count("SELECT count(*) FROM sync_patient")).isEqualTo(2);
    assertThat(w.count("SELECT count(DISTINCT patient_id) FROM sync_appointment WHERE external_id IN"
        + " ('Appointment/a1', 'Appointment/a2')")).isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM sync_patient_identifier")).isEqualTo(3);
    List<JsonObject> reviews = w.get(w.sync.matchReviews(SyncWorld.SITE));
    assertThat(reviews).hasSize(1);
    assertThat(reviews.get(0).getJsonObject("candidate").getString("name")).isEqualTo("Ann Lee");
  }

  @Test
  void recordsOfSeveralSourcesTogetherAreOneTransactionKeptApartBySourceAndMatchedAcrossTheSite() {
    Source other = w.fhirSource("PMS", "http://127.0.0.1:9/fhir");
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Patient bob = Fhir.patient("p2", "Bob", "Ray", "1975-02-11", "M2");
    Appointment noStart = Fhir.appointment("a2", AppointmentStatus.BOOKED, TEN, "p1", null);
    noStart.setStart(null);
    noStart.setEnd(null);
    // both sources name their appointment a1 and their patient p1; the EHR sends a1 version 1 twice
    List<Pipeline.Received> received = List.of(new Pipeline.Received(source, booked("a1", TEN, ann, 1), reader),
        new Pipeline.Received(other, booked("a1", TEN.plusSeconds(600), ann, 1), reader),
        new Pipeline.Received(source, record(noStart, ann, 1), reader),
        new Pipeline.Received(source, booked("a1", TEN, ann, 1), reader),
        new Pipeline.Received(other, booked("a3", TEN, bob, 1), reader));

    List<Outcome> outcomes = pipeline.receiveTogether(received).stream().map(f -> w.get(f).outcome()).toList();

    assertThat(outcomes).containsExactly(Outcome.APPLIED, Outcome.APPLIED, Outcome.DEAD, Outcome.DUPLICATE,
        Outcome.APPLIED);
    assertThat(w.entryFor(source, "a1").appointmentAt()).isEqualTo(TEN);
    assertThat(w.entryFor(other, "a1").appointmentAt()).isEqualTo(TEN.plusSeconds(600));
    assertThat(w.entryFor(other, "a3").patient().name()).isEqualTo("Bob Ray");
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(3);
    assertThat(w.get(w.sync.deadLetters(source.id()))).extracting(d -> d.getString("externalId"))
        .containsExactly("Appointment/a2");
    assertThat(w.get(w.sync.deadLetters(other.id()))).isEmpty();
    assertThat(w.count("SELECT count(DISTINCT xmin::text) FROM sync_inbox")).as("transactions").isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM sync_inbox")).isEqualTo(4);
    assertThat(w.count("SELECT count(DISTINCT patient_id) FROM sync_appointment WHERE external_id = 'Appointment/a1'"))
        .as("MRN M1 is one patient of the site, whichever source names it").isEqualTo(1);
    assertThat(w.count("SELECT count(*) FROM entry_transition t JOIN entry e ON e.id = t.entry_id"
        + " JOIN sync_source s ON e.appointment_ref LIKE s.id || ':%' WHERE t.actor = 'source:' || s.name"))
        .as("each entry announced by its own source").isEqualTo(3);
  }

  @Test
  void everyNewEntryOfABatchIsAnnouncedInSeqOrderAfterCommit() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    List<ReceivedRecord> records = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) records.add(booked("a" + i, TEN.plusSeconds(60L * i), ann, 1));

    outcomes(records);

    List<QueueEvent> general = w.published.stream().filter(e -> e.queueId().equals("general")).toList();
    assertThat(general).extracting(QueueEvent::seq).containsExactly(java.util.stream.LongStream.rangeClosed(1, 30)
        .boxed().toArray(Long[]::new));
    assertThat(general).allMatch(e -> e.type() == EventType.EXPECTED);
    assertThat(general).extracting(e -> e.payload().entry().appointmentRef())
        .containsExactlyElementsOf(records.stream().map(r -> source.id() + ":" + r.externalId()).toList());
    assertThat(w.count("SELECT count(*) FROM queue_event WHERE queue_id = 'general'")).isEqualTo(30);
    assertThat(w.count("SELECT version FROM service_queue WHERE id = 'general'")).isEqualTo(30);
    assertThat(w.count("SELECT count(*) FROM entry_transition")).isEqualTo(30);
  }

  @Test
  void aBatchWaitingForOneQueueHoldsNoOtherMeanwhileSoTwoBatchesNeverDeadlock() throws Exception {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    Patient bob = Fhir.patient("p2", "Bob", "Ray", "1975-02-11", "M2");
    outcomes(List.of(booked("a1", TEN, ann, 1)));
    // another transaction (a desk command, another source's batch) holds queue general
    SqlConnection desk = w.get(w.pool.getConnection());
    Transaction deskTx = w.get(desk.begin());
    w.get(desk.query("SELECT id FROM service_queue WHERE id = 'general' FOR UPDATE").execute());

    // a change in general (record order first) and a new appointment in lab (set-based, by queue)
    Future<List<Pipeline.Result>> batch = pipeline.receiveAll(source, List.of(booked("a1", TEN.plusSeconds(600), ann,
        2), record(Fhir.appointment("a2", AppointmentStatus.BOOKED, TEN, "p2", "lab"), bob, 1)), reader);
    for (int i = 0; i < 600 && w.count("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0; i++) {
      Thread.sleep(50); // until the batch waits for general
    }
    assertThat(w.count("SELECT count(*) FROM pg_locks WHERE NOT granted")).as("the batch waits").isPositive();

    // while it waits, lab is free: the batch takes its queues in id order, general before lab
    SqlConnection other = w.get(w.pool.getConnection());
    try {
      Transaction otherTx = w.get(other.begin());
      w.get(other.query("SELECT id FROM service_queue WHERE id = 'lab' FOR UPDATE NOWAIT").execute());
      w.get(otherTx.rollback());
    } finally {
      w.get(other.close());
    }

    w.get(deskTx.commit());
    w.get(desk.close());
    assertThat(w.get(batch).stream().map(Pipeline.Result::outcome)).containsExactly(Outcome.APPLIED, Outcome.APPLIED);
    assertThat(w.entryFor(source, "a2").queueId()).isEqualTo("lab");
  }

  @Test
  void moreRecordsThanOneBatchHoldAreAppliedInSeveralTransactionsAndAllCount() {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    List<ReceivedRecord> records = new java.util.ArrayList<>();
    for (int i = 0; i < Pipeline.BATCH + 20; i++) {
      Appointment a = Fhir.appointment("a" + i, AppointmentStatus.BOOKED, TEN, "p1", null);
      a.setStart(Date.from(TEN.plusSeconds(i)));
      records.add(record(a, ann, 1));
    }

    List<Outcome> outcomes = outcomes(records);

    assertThat(outcomes).hasSize(Pipeline.BATCH + 20).containsOnly(Outcome.APPLIED);
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(Pipeline.BATCH + 20);
    assertThat(w.count("SELECT count(*) FROM sync_patient")).isEqualTo(1);
  }

  /**
   * Another transaction (another source's batch) is creating the patient of MRN M1 and has not committed: a batch
   * bringing the same patient waits for it and finds that patient, instead of creating a second one whose MRN would
   * be dropped (the identifier is unique per site).
   */
  @Test
  void aBatchBringingAPatientAnotherTransactionIsCreatingWaitsForItAndFindsThatPatient() throws Exception {
    Patient ann = Fhir.patient("p1", "Ann", "Lee", "1980-04-23", "M1");
    SyncStore store = new SyncStore(false);
    SiteIdentifier mrn = new SiteIdentifier(SyncWorld.SITE, new SourcePatient.Identifier(Fhir.MRN, "M1"));
    UUID creating = UUID.randomUUID();
    SqlConnection other = w.get(w.pool.getConnection());
    Transaction otherTx = w.get(other.begin());
    w.get(store.lockIdentifiers(other, List.of(mrn)));
    w.get(store.insertPatients(other, List.of(creating), List.of(SyncWorld.SITE), List.of(new SourcePatient(null,
        "Ann Lee", LocalDate.parse("1980-04-23"), List.of(mrn.identifier()), null, null, null)),
        w.clock.instant()));
    w.get(store.addIdentifiers(other, List.of(mrn), List.of(creating)));

    Future<List<Pipeline.Result>> batch = pipeline.receiveAll(source, List.of(booked("a1", TEN, ann, 1)), reader);
    for (int i = 0; i < 600 && w.count("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0; i++) {
      Thread.sleep(50); // until the batch waits for the other transaction
    }
    assertThat(w.count("SELECT count(*) FROM pg_locks WHERE NOT granted")).as("the batch waits").isPositive();
    w.get(otherTx.commit());
    w.get(other.close());

    assertThat(w.get(batch).stream().map(Pipeline.Result::outcome)).containsExactly(Outcome.APPLIED);
    assertThat(w.count("SELECT count(*) FROM sync_patient")).as("patients").isEqualTo(1);
    assertThat(w.get(w.pool.preparedQuery("SELECT patient_id FROM sync_appointment WHERE external_id = $1")
        .execute(Tuple.of("Appointment/a1"))).iterator().next().getUUID(0)).isEqualTo(creating);
  }
}
