package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A feed in step writes an event at once (no step chained); any other event, and every event while a step is under
 * way, goes through the sequencer's queue, which reads, replays or resyncs (proven end to end by
 * UnreliableDeliveryTest and FeedResumeTest).
 */
class EventSequencerTest {
  private final EventSequencer sequencer = new EventSequencer(null, e -> { }, q -> Future.succeededFuture(0L));

  private static QueueEvent event(String queueId, long seq) {
    return new QueueEvent(queueId, "site", seq, EventType.CHECKED_IN, null, Instant.EPOCH);
  }

  @Test
  void onlyTheQueuesNextEventIsTakenAtOnceAndOnlyOnce() {
    sequencer.markDelivered("q", 4);

    assertThat(sequencer.takeNext(event("q", 6))).as("a gap, to be filled from the log").isFalse();
    assertThat(sequencer.takeNext(event("q", 4))).as("already delivered").isFalse();
    assertThat(sequencer.takeNext(event("other", 1))).as("a queue with no state yet, to be resynced").isFalse();
    assertThat(sequencer.takeNext(event("q", 5))).isTrue();
    assertThat(sequencer.takeNext(event("q", 5))).as("the same event twice").isFalse();
    assertThat(sequencer.takeNext(event("q", 6))).isTrue();
  }

  @Test
  void nothingIsTakenAtOnceWhileAStepIsUnderWay() {
    sequencer.markDelivered("q", 4);
    Promise<Void> snapshot = Promise.promise();
    sequencer.enqueue(snapshot::future);

    assertThat(sequencer.takeNext(event("q", 5))).as("the snapshot is still being sent").isFalse();
    snapshot.complete();
    assertThat(sequencer.takeNext(event("q", 5))).isTrue();
  }
}
