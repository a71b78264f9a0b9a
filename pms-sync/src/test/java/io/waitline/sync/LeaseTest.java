package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.CONFLICT;
import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Duration;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes on one database: exactly one polls a source at a time, and another takes over when it dies. */
class LeaseTest {

  SyncWorld a;
  SyncWorld b;
  FhirTestServer fhir;
  Source source;

  @BeforeEach
  void start() {
    a = SyncWorld.start();
    b = a.secondNode();
    fhir = new FhirTestServer(a.clock, 5);
    fhir.bookOneAMinute(8, TEN);
    source = a.fhirSource("Shared", fhir.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    fhir.close();
    b.close();
  }

  long searches() {
    return fhir.requests.stream().filter(r -> r.startsWith("/fhir/Appointment?")).count();
  }

  @Test
  void twoNodesTickingTogetherPollTheSourceOnce() {
    a.get(Future.join(a.sync.tick(), b.sync.tick()));

    assertThat(searches()).isEqualTo(1);
    assertThat(a.count("SELECT count(*) FROM entry")).isEqualTo(8);
    a.close();
  }

  @Test
  void whileOneNodeSyncsTheOtherIsToldSoAndWhenThatNodeDiesTheOtherTakesOverAfterTheLease() {
    a.get(a.sync.syncNow(source.id(), false)); // warm: the first HAPI request of a JVM is slow
    a.clock.advance(Duration.ofMinutes(1));
    fhir.hangRequests();
    a.sync.syncNow(source.id(), false); // node a holds the lease while its request hangs
    SyncWorld.waitUntil(() -> a.count("SELECT count(*) FROM sync_lease WHERE holder = 'node-a'") == 1);

    Throwable refused = b.failure(b.sync.syncNow(source.id(), false));
    assertThat(refused).isInstanceOf(SyncException.class).hasFieldOrPropertyWithValue("kind", CONFLICT)
        .hasMessage("Another Waitline node is syncing source Shared right now; its results will show here shortly.");

    a.close(); // node a dies mid-sync: its lease is not released
    fhir.release();
    b.clock.advance(Duration.ofSeconds(29));
    assertThat(b.failure(b.sync.syncNow(source.id(), false))).isInstanceOf(SyncException.class)
        .hasFieldOrPropertyWithValue("kind", CONFLICT);

    b.clock.advance(Duration.ofSeconds(2)); // past the 30 s lease
    fhir.putAppointment(fhir.appointment("a3").setStatus(AppointmentStatus.CANCELLED));
    SyncReport taken = b.get(b.sync.syncNow(source.id(), false));

    assertThat(taken.count(Outcome.APPLIED)).isEqualTo(1);
    assertThat(b.count("SELECT count(*) FROM entry WHERE status = 'cancelled'")).isEqualTo(1);
    assertThat(b.count("SELECT count(*) FROM sync_lease")).isZero();
  }
}
