package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ScreenRoundsTest {

  private static void hear(ScreenRounds rounds, int client, long nanos, String frame) {
    byte[] b = frame.getBytes(StandardCharsets.UTF_8);
    rounds.message(client, nanos, b, b.length, b.length + 100);
  }

  private static String delta(long seq) {
    return "{\"type\":\"delta\",\"queueId\":\"q\",\"seq\":" + seq + "}";
  }

  /** Two screens at seq 7, both past their snapshot (the first heard a heartbeat before it). */
  private static ScreenRounds opened() {
    ScreenRounds rounds = new ScreenRounds(2, 7, "snapshot", "delta");
    hear(rounds, 0, 1, "{\"type\":\"heartbeat\",\"at\":\"x\"}");
    assertThat(rounds.heard()).isZero();
    hear(rounds, 0, 1, "{\"type\":\"snapshot\",\"protocol\":2,\"queues\":[]}");
    assertThat(rounds.allHeard()).isNotDone();
    hear(rounds, 1, 1, "{\"type\":\"snapshot\",\"protocol\":2,\"queues\":[]}");
    assertThat(rounds.allHeard()).isCompleted();
    return rounds;
  }

  @Test
  void aRoundIsDoneOnceEveryScreenHasItsFrameWithEachOnesTimeAndSize() {
    ScreenRounds rounds = opened();
    ScreenRounds.Round r = rounds.begin(8);
    hear(rounds, 1, 500, delta(8));
    hear(rounds, 0, 300, "{\"type\":\"heartbeat\",\"at\":\"x\"}");
    assertThat(r.done).isNotDone();
    assertThat(r.pending()).isEqualTo(1);
    hear(rounds, 0, 900, delta(8));
    assertThat(r.done).isCompleted();
    assertThat(rounds.arrivedAt(0)).isEqualTo(900);
    assertThat(rounds.arrivedAt(1)).isEqualTo(500);
    assertThat(rounds.bytes(0)).isEqualTo(delta(8).length() + 100);
    ScreenRounds.Round next = rounds.begin(9);
    hear(rounds, 0, 1000, delta(9));
    hear(rounds, 1, 1100, delta(9));
    assertThat(next.done).isCompleted();
    assertThat(rounds.failure()).isNull();
  }

  @Test
  void aScreenThatMissesAFrameFailsTheRound() {
    ScreenRounds rounds = opened();
    rounds.begin(8);
    hear(rounds, 0, 1, delta(8));
    hear(rounds, 1, 1, delta(8));
    ScreenRounds.Round r = rounds.begin(9);
    hear(rounds, 0, 2, delta(10));
    assertThat(r.done).isCompletedExceptionally();
    assertThat(rounds.failure()).isEqualTo("client 0: frame seq 10 after 8, while frame 9 was awaited");
    assertThat(rounds.begin(10).done).as("a failed run stays failed").isCompletedExceptionally();
  }

  @Test
  void aRepeatedFrameAnEarlyOneAResyncOrACloseFailsTheRound() {
    ScreenRounds repeated = opened();
    repeated.begin(8);
    hear(repeated, 0, 1, delta(8));
    hear(repeated, 0, 2, delta(8));
    assertThat(repeated.failure()).isEqualTo("client 0: frame seq 8 after 8, while frame 8 was awaited");

    ScreenRounds early = opened();
    hear(early, 1, 1, delta(8));
    assertThat(early.failure()).isEqualTo("client 1: frame seq 8 after 7, while frame -1 was awaited");

    ScreenRounds resync = opened();
    ScreenRounds.Round r = resync.begin(8);
    hear(resync, 1, 1, "{\"type\":\"snapshot\",\"protocol\":2,\"queues\":[]}");
    assertThat(r.done).isCompletedExceptionally();
    assertThat(resync.failure()).startsWith("client 1: an unexpected frame: {\"type\":\"snapshot\"");

    ScreenRounds closed = opened();
    ScreenRounds.Round c = closed.begin(8);
    closed.failed(0, "closed by the server (1013)");
    assertThatThrownBy(() -> c.done.get()).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("client 0: closed by the server (1013)");
  }

  @Test
  void aFirstMessageOfAnotherTypeFailsTheOpening() {
    ScreenRounds rounds = new ScreenRounds(1, 0, "hello", "bare");
    hear(rounds, 0, 1, "{\"type\":\"bare\",\"seq\":1}");
    assertThat(rounds.allHeard()).isCompletedExceptionally();
    assertThat(rounds.heard()).isZero();
    assertThat(rounds.failure()).isEqualTo("client 0: a first message that is not a hello: {\"type\":\"bare\",\"seq\":1}");
  }
}
