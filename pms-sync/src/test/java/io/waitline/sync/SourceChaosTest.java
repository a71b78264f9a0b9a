package io.waitline.sync;

import static io.waitline.sync.SyncWorld.TEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A source that fails, throttles or hangs never stops the desk, and catches up without duplicates once back. */
class SourceChaosTest {

  @RegisterExtension
  final SyncWorld w = SyncWorld.start(SyncWorld.testSettings(Duration.ofSeconds(3)));
  final FhirTestServer fhir = w.fhirServer(5);
  Source source;

  @BeforeEach
  void start() {
    fhir.bookOneAMinute(12, TEN);
    source = w.fhirSource("Flaky", fhir.baseUrl());
  }

  Entry walkIn(String name) {
    return w.get(w.commands.checkIn("general", new CheckIn(new Patient(name, null, null, null, null), Priority.NORMAL,
        null, null), "desk")).entry();
  }

  @Test
  void aSourceAnswering500sOpensItsBreakerTheDeskKeepsWorkingAndTheSourceCatchesUpWithoutDuplicates() {
    fhir.failNext(1000, 500);

    for (int run = 0; run < 4; run++) w.failure(w.sync.syncNow(source.id(), false));
    long requestsWhenOpen = fhir.fhirRequests();
    Throwable refused = w.failure(w.sync.syncNow(source.id(), false));

    assertThat(refused).hasMessage("The source failed repeatedly, so Waitline pauses calling it for a while"
        + " (circuit breaker open).");
    assertThat(fhir.fhirRequests()).isEqualTo(requestsWhenOpen); // the open breaker spares the source
    JsonObject health = w.get(w.sync.health(source.id()));
    assertThat(health.getString("state")).isEqualTo("DOWN");
    assertThat(health.getString("breaker")).isEqualTo("OPEN");
    assertThat(health.getString("lastError")).as("what is wrong with the source, not that it is paused")
        .contains("500").doesNotContain("circuit breaker");
    assertThat(w.metrics.get("waitline.sync.breaker.state").gauge().value()).isEqualTo(2.0);

    // the desk works on what it has
    Entry walkIn = walkIn("Walk In");
    assertThat(w.get(w.commands.callNext("general", "Room 1", "desk")).id()).isEqualTo(walkIn.id());

    // the source comes back; after the breaker's open period a trial call goes through
    fhir.failNext(0, 500);
    w.clock.advance(Duration.ofSeconds(61));
    SyncReport caughtUp = w.get(w.sync.syncNow(source.id(), false));

    assertThat(caughtUp.count(Outcome.APPLIED)).isEqualTo(12);
    assertThat(w.siteEntries()).hasSize(13);
    assertThat(w.get(w.sync.health(source.id())).getString("state")).isEqualTo("UP");
    assertThat(w.get(w.sync.syncNow(source.id(), false)).count(Outcome.APPLIED)).isZero();
    assertThat(w.count("SELECT count(*) FROM entry")).isEqualTo(13);
  }

  @Test
  void a429IsRetriedWithBackoffWithinTheSameSync() {
    fhir.failNext(1, 429);

    SyncReport report = w.get(w.sync.syncNow(source.id(), false));

    assertThat(report.count(Outcome.APPLIED)).isEqualTo(12);
    assertThat(fhir.requests.get(0)).isEqualTo(fhir.requests.get(1)); // the refused first page, asked again
  }

  @Test
  void aHangingSourceTimesOutWhileCheckInAndCallingCarryOnAtFullSpeed() {
    w.get(w.sync.syncNow(source.id(), false)); // warm: the first HAPI request of a JVM is slow
    w.clock.advance(Duration.ofMinutes(1));
    fhir.hangRequests();

    Future<SyncReport> hanging = w.sync.syncNow(source.id(), false);
    long start = System.nanoTime();
    Entry walkIn = walkIn("During Hang");
    w.get(w.commands.callNext("general", "Room 2", "desk"));
    long deskMillis = (System.nanoTime() - start) / 1_000_000;
    Throwable timedOut = w.failure(hanging);
    fhir.release();

    assertThat(deskMillis).isLessThan(2000);
    assertThat(walkIn.ticket()).isEqualTo("A-001");
    assertThat(timedOut).hasMessage("The source did not answer within 3.0 seconds.");
    assertThat(w.get(w.sync.health(source.id())).getString("state")).isEqualTo("DEGRADED");
  }
}
