package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.sync.source.Source;
import java.time.Duration;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Write-back to a FHIR source that asks for it: a real HAPI RestfulServer whose Appointment updates honour If-Match.
 * Arrived, seen and no-show reach the source's Appointment once, on the version read; a 412 is read again and decided;
 * a source that is down gets the write once it is back, from the durable record (on another node too).
 */
class WriteBackTest {
  @RegisterExtension
  final SyncWorld w = SyncWorld.start();
  private FhirTestServer fhir;
  private Source source;

  @BeforeEach
  void threeBookedAppointmentsSyncedFromASourceThatWritesBack() {
    fhir = w.fhirServer(10);
    fhir.bookOneAMinute(3, SyncWorld.START.plus(Duration.ofHours(1)));
    source = w.get(w.sync.update(w.fhirSource("HAPI", fhir.baseUrl()).id(),
        new JsonObject().put("writeBack", true)));
    assertThat(source.writeBack()).isTrue();
    w.get(w.sync.syncNow(source.id(), false));
    w.get(w.sync.writeBack()); // the first round starts reading the queue events here
  }

  @Test
  void aTickStartsNoWriteBackRoundBesideTheOneStillRunningOnThisNode() {
    // another transaction holds the checkpoint, as a long round does while it reads a large import's events
    SqlConnection holder = w.get(w.pool.getConnection());
    w.get(holder.query("BEGIN").execute());
    w.get(holder.query("SELECT 1 FROM sync_write_back_checkpoint WHERE id = 1 FOR UPDATE").execute());
    Future<Void> first = w.sync.tick();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (roundsWaitingForTheCheckpoint() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(roundsWaitingForTheCheckpoint()).isOne();

    w.get(w.sync.tick()); // done at once, though the checkpoint is still held

    assertThat(roundsWaitingForTheCheckpoint()).as("no second round waits beside the first").isOne();
    w.get(holder.query("COMMIT").execute());
    w.get(first);
    w.get(holder.close());
    // the round over, the next tick runs one again: an arrival reaches the source
    w.get(w.commands.arrive(w.entryFor(source, "a1").id(), "desk"));
    w.get(w.sync.tick());
    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.ARRIVED);
  }

  private long roundsWaitingForTheCheckpoint() {
    return w.get(w.pool.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock'"
        + " AND query LIKE '%FROM sync_write_back_checkpoint%FOR UPDATE%'").execute()).iterator().next().getLong(0);
  }

  @Test
  void anArrivalIsWrittenOnTheVersionReadAndA412IsReadAgainAndApplied() {
    Entry first = w.entryFor(source, "a1");
    // someone at the source touches the appointment between Waitline's read and its update
    fhir.changeBeforeNextUpdate(a -> a.setComment("reminder sent"));
    w.get(w.commands.arrive(first.id(), "desk"));

    assertThat(w.get(w.sync.writeBack())).isEqualTo(1);

    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.ARRIVED);
    assertThat(fhir.appointment("a1").getComment()).as("the other writer's change is kept").isEqualTo("reminder sent");
    assertThat(fhir.ifMatches).containsExactly("W/\"1\"", "W/\"2\"");
    assertThat(detail("a1", "arrived")).contains("on version 2").contains("after it changed at the source");
    JsonObject health = w.get(w.sync.health(source.id())).getJsonObject("writeBack");
    assertThat(health.getLong("done")).isEqualTo(1);
    assertThat(health.getLong("pending")).isZero();

    // the same arrival again (undone and redone at the desk) writes nothing more
    w.get(w.commands.undo(first.id(), "desk"));
    w.get(w.commands.arrive(first.id(), "desk"));
    assertThat(w.get(w.sync.writeBack())).isZero();
    assertThat(fhir.ifMatches).hasSize(2);
  }

  @Test
  void seenAndNoShowAreWrittenAsFulfilledAndNoshow() {
    Entry first = w.entryFor(source, "a1");
    w.get(w.commands.arrive(first.id(), "desk"));
    w.get(w.commands.callNext("general", "Room 1", "desk"));
    w.get(w.commands.startService(first.id(), "desk"));
    w.get(w.commands.complete(first.id(), "desk"));
    w.get(w.commands.noShow(w.entryFor(source, "a2").id(), "desk"));

    assertThat(w.get(w.sync.writeBack())).isEqualTo(3); // arrived, fulfilled, noshow

    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.FULFILLED);
    assertThat(fhir.appointment("a2").getStatus()).isEqualTo(AppointmentStatus.NOSHOW);
    assertThat(fhir.appointment("a3").getStatus()).isEqualTo(AppointmentStatus.BOOKED);
  }

  @Test
  void aSourceFurtherAlongIsLeftAsItIsAndTheRecordSaysSo() {
    fhir.changeBeforeNextUpdate(a -> a.setStatus(AppointmentStatus.CANCELLED));
    w.get(w.commands.arrive(w.entryFor(source, "a1").id(), "desk"));

    w.get(w.sync.writeBack());

    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.CANCELLED);
    assertThat(fhir.ifMatches).containsExactly("W/\"1\"");
    assertThat(detail("a1", "arrived")).isEqualTo("The source has it as cancelled, further along than arrived: left"
        + " as it is.");
  }

  @Test
  void aWriteToASourceThatIsDownWaitsAndIsSentOnceItIsBackEvenByAnotherNode() {
    fhir.failNext(1000, 503);
    w.get(w.commands.arrive(w.entryFor(source, "a3").id(), "desk"));

    assertThat(w.get(w.sync.writeBack())).isEqualTo(1);
    JsonObject health = w.get(w.sync.health(source.id())).getJsonObject("writeBack");
    assertThat(health.getLong("pending")).isEqualTo(1);
    assertThat(health.getString("lastError")).contains("503");
    // not due again before its backoff
    assertThat(w.get(w.sync.writeBack())).isZero();

    fhir.failNext(0, 503);
    w.clock.advance(Duration.ofSeconds(31));
    try (SyncWorld other = w.secondNode()) {
      assertThat(other.get(other.sync.writeBack())).isEqualTo(1);
    }
    assertThat(fhir.appointment("a3").getStatus()).isEqualTo(AppointmentStatus.ARRIVED);
    health = w.get(w.sync.health(source.id())).getJsonObject("writeBack");
    assertThat(health.getLong("done")).isEqualTo(1);
    assertThat(health.getLong("pending")).isZero();
    assertThat(health.getString("lastError")).isNull();
  }

  @Test
  void aWriteStillWaitingWhenTheSourceStopsWritingBackIsNotSentAndHealthSaysSo() {
    fhir.failNext(1000, 503);
    w.get(w.commands.arrive(w.entryFor(source, "a2").id(), "desk"));
    w.get(w.sync.writeBack());
    w.get(w.sync.update(source.id(), new JsonObject().put("writeBack", false)));
    fhir.failNext(0, 503);
    w.clock.advance(Duration.ofSeconds(31));

    w.get(w.sync.writeBack());

    assertThat(fhir.appointment("a2").getStatus()).isEqualTo(AppointmentStatus.BOOKED);
    assertThat(fhir.ifMatches).isEmpty();
    JsonObject health = w.get(w.sync.health(source.id())).getJsonObject("writeBack");
    assertThat(health.getBoolean("enabled")).isFalse();
    assertThat(health.getLong("failed")).isEqualTo(1);
    assertThat(health.getString("lastError")).contains("set not to write back");
  }

  @Test
  void aSourceThatDoesNotWriteBackHearsNothing() {
    FhirTestServer quiet = w.fhirServer(10);
    quiet.bookOneAMinute(1, SyncWorld.START.plus(Duration.ofHours(2)));
    Source reader = w.fhirSource("Read only", quiet.baseUrl());
    w.get(w.sync.syncNow(reader.id(), false));
    w.get(w.commands.arrive(w.entryFor(reader, "a1").id(), "desk"));
    // a marker after it: an arrival from the source that writes back
    w.get(w.commands.arrive(w.entryFor(source, "a1").id(), "desk"));

    assertThat(w.get(w.sync.writeBack())).isEqualTo(1);

    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.ARRIVED);
    assertThat(quiet.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.BOOKED);
    assertThat(quiet.ifMatches).isEmpty();
  }

  @Test
  void whileNoSourceWritesBackARoundPassesTheEventsUnreadAndALaterArrivalIsStillWritten() {
    w.get(w.sync.update(source.id(), new JsonObject().put("writeBack", false)));
    w.get(w.commands.arrive(w.entryFor(source, "a1").id(), "desk"));
    long lastEvent = w.count("SELECT max(id) FROM queue_event");

    assertThat(w.get(w.sync.writeBack())).isZero();

    // the checkpoint moved to the end of the log (before every event still to come), not to the arrival's event
    Tuple checkpoint = checkpoint();
    assertThat(checkpoint.getLong(1)).as("position: the end of the log, not the last event read").isZero();
    assertThat(checkpoint.getLong(0)).isGreaterThan(xactOf(lastEvent));
    // writing back again, the arrival from before is not written (as before), the next one is
    w.get(w.sync.update(source.id(), new JsonObject().put("writeBack", true)));
    w.get(w.commands.arrive(w.entryFor(source, "a2").id(), "desk"));
    assertThat(w.get(w.sync.writeBack())).isEqualTo(1);
    assertThat(fhir.appointment("a1").getStatus()).isEqualTo(AppointmentStatus.BOOKED);
    assertThat(fhir.appointment("a2").getStatus()).isEqualTo(AppointmentStatus.ARRIVED);
  }

  private Tuple checkpoint() {
    var row = w.get(w.pool.query("SELECT last_xact, last_event FROM sync_write_back_checkpoint").execute())
        .iterator().next();
    return Tuple.of(row.getLong(0), row.getLong(1));
  }

  private long xactOf(long event) {
    return w.count("SELECT xact::text::bigint FROM queue_event WHERE id = " + event);
  }

  @Test
  void onlyAFhirSourceCanWriteBackAndAnotherKindIsToldWhy() {
    Throwable refused = w.failure(w.sync.create(SyncWorld.SITE, new JsonObject().put("kind", "webhook")
        .put("name", "PMS").put("writeBack", true).put("mapping", new JsonObject().put("defaultQueue", "general"))));
    assertThat(refused).isInstanceOf(SyncException.class).hasMessage("Only a fhir-r4 source can be written back to;"
        + " a webhook source has no Appointment to update.");
    assertThat(w.count("SELECT count(*) FROM sync_source WHERE name = 'PMS'")).isZero();
  }

  private String detail(String appointment, String status) {
    return w.get(w.pool.preparedQuery("SELECT detail FROM sync_write_back WHERE source_id = $1"
        + " AND appointment_id = $2 AND status = $3").execute(Tuple.of(source.id(), "Appointment/" + appointment,
        status))).iterator().next().getString("detail");
  }
}
