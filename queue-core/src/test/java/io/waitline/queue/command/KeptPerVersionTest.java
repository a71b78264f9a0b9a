package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.waitline.queue.event.EventType;
import org.junit.jupiter.api.Test;

/**
 * A value kept per queue version, and one a committing transaction promised: a command that locked the version being
 * committed gets what that transaction keeps once it has kept it, and reads for itself when it keeps nothing.
 */
class KeptPerVersionTest {
  /** Values kept for any moment; a value "stale" never stands. */
  private final KeptPerVersion<String, Integer> kept =
      new KeptPerVersion<>((value, moment) -> !value.equals("stale"), type -> type == EventType.EXPECTED);

  @Test
  void aCommandThatLockedTheVersionBeingCommittedGetsWhatItsTransactionKeepsOnceKept() {
    kept.keep("q", 4, "inputs at 4");
    Promise<String> committing = kept.committing("q", 8);

    Future<String> waiting = kept.awaited("q", 8, 0);
    assertThat(waiting.isComplete()).as("not before the committing transaction kept it").isFalse();
    assertThat(kept.at("q", 8, 0)).as("nothing settled to give at once").isNull();

    kept.keep("q", 8, "inputs at 8");
    committing.complete("inputs at 8");
    assertThat(waiting.result()).isEqualTo("inputs at 8");
    assertThat(kept.awaited("q", 8, 0).result()).isEqualTo("inputs at 8");
    assertThat(kept.at("q", 8, 0)).isEqualTo("inputs at 8");
  }

  @Test
  void whenTheCommittingTransactionKeepsNothingOrFailsTheWaitingCommandReadsForItself() {
    Promise<String> forgotten = kept.committing("q", 8);
    Future<String> waiting = kept.awaited("q", 8, 0);
    forgotten.complete(null);
    assertThat(waiting.result()).isNull();

    Promise<String> stale = kept.committing("q", 12);
    Future<String> waitingForStale = kept.awaited("q", 12, 0);
    stale.complete("stale");
    assertThat(waitingForStale.result()).as("kept, but no longer standing at the command's moment").isNull();
  }

  @Test
  void anotherVersionThanTheOneKeptOrCommittingIsReadAtOnce() {
    kept.keep("q", 4, "inputs at 4");
    kept.committing("q", 8);

    assertThat(kept.awaited("q", 4, 0).result()).as("superseded by the version being committed").isNull();
    assertThat(kept.awaited("q", 9, 0).result()).isNull();
    assertThat(kept.awaited("other", 8, 0).result()).isNull();
  }
}
