package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeqContinuityTest {

  @Test
  void consecutiveEventsAfterTheSnapshotLoseNothing() {
    SeqContinuity s = new SeqContinuity();
    s.snapshot(41);
    s.event(42);
    s.event(43);
    s.event(44);
    assertThat(s.delivered()).isEqualTo(3);
    assertThat(s.lost()).isZero();
    assertThat(s.duplicates()).isZero();
    assertThat(s.last()).isEqualTo(44);
  }

  @Test
  void aJumpInSeqCountsEveryEventSkipped() {
    SeqContinuity s = new SeqContinuity();
    s.snapshot(10);
    s.event(11);
    s.event(14); // 12 and 13 never came
    assertThat(s.lost()).isEqualTo(2);
    assertThat(s.last()).isEqualTo(14);
  }

  @Test
  void aRepeatedOrOlderSeqIsADuplicateAndDoesNotMoveTheFeedBack() {
    SeqContinuity s = new SeqContinuity();
    s.snapshot(5);
    s.event(6);
    s.event(6);
    s.event(4);
    assertThat(s.duplicates()).isEqualTo(2);
    assertThat(s.delivered()).isEqualTo(1);
    assertThat(s.last()).isEqualTo(6);
  }

  @Test
  void aSnapshotInTheMiddleIsAResyncThatRestartsTheCount() {
    SeqContinuity s = new SeqContinuity();
    s.snapshot(1);
    s.event(2);
    s.snapshot(30);
    s.event(31);
    assertThat(s.resyncs()).isEqualTo(1);
    assertThat(s.lost()).isZero();
  }

  @Test
  void anEventBeforeAnySnapshotIsAProtocolError() {
    assertThatThrownBy(() -> new SeqContinuity().event(1)).isInstanceOf(IllegalStateException.class);
  }
}
