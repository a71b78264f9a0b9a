package io.waitline.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.sync.store.SyncStore.State;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the scheduler polls a source again: its interval, a full read at once, and no faster after a failure. */
class PollScheduleTest {
  private static final Instant T = Instant.parse("2026-12-03T09:00:00Z");
  private static final Duration HOURLY = Duration.ofHours(1);

  private static State attempted(String error, Instant errorAt) {
    return new State(null, T, null, error, errorAt, null, null);
  }

  @Test
  void aSourceNeverPolledIsPolledAtOnce() {
    assertThat(SyncService.pollDue(HOURLY, new State(null, null, null, null, null, null, null), true, T)).isTrue();
  }

  @Test
  void aHealthySourceWaitsItsIntervalUnlessAFullReadIsDue() {
    State ok = attempted(null, null);
    assertThat(SyncService.pollDue(HOURLY, ok, false, T.plusSeconds(3599))).isFalse();
    assertThat(SyncService.pollDue(HOURLY, ok, false, T.plusSeconds(3600))).isTrue();
    assertThat(SyncService.pollDue(HOURLY, ok, true, T.plusSeconds(1))).as("the night's full read").isTrue();
  }

  @Test
  void aSourceWhoseLastPollFailedIsNotAskedEveryTickEvenWithAFullReadDue() {
    State failed = attempted("The source could not be reached.", T.plusMillis(200));
    assertThat(SyncService.pollDue(HOURLY, failed, true, T.plusSeconds(1))).isFalse();
    assertThat(SyncService.pollDue(HOURLY, failed, true, T.plusSeconds(59))).isFalse();
    assertThat(SyncService.pollDue(HOURLY, failed, true, T.plusSeconds(60))).as("a minute at most").isTrue();
    assertThat(SyncService.pollDue(Duration.ofSeconds(10), failed, false, T.plusSeconds(10)))
        .as("or its own interval when that is shorter").isTrue();
    assertThat(SyncService.pollDue(Duration.ofSeconds(10), failed, false, T.plusSeconds(9))).isFalse();
  }
}
