package io.waitline.queue;

import static io.waitline.queue.Status.CALLED;
import static io.waitline.queue.Status.CANCELLED;
import static io.waitline.queue.Status.COMPLETED;
import static io.waitline.queue.Status.EXPECTED;
import static io.waitline.queue.Status.IN_SERVICE;
import static io.waitline.queue.Status.LEFT;
import static io.waitline.queue.Status.NO_SHOW;
import static io.waitline.queue.Status.TRANSFERRED;
import static io.waitline.queue.Status.WAITING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusTest {
  /** The whole state machine, written out: from → the statuses it may move to. */
  private static final Map<Status, Set<Status>> ALLOWED = new EnumMap<>(Map.of(
      EXPECTED, EnumSet.of(WAITING, NO_SHOW, CANCELLED),
      WAITING, EnumSet.of(CALLED, LEFT, CANCELLED, TRANSFERRED),
      CALLED, EnumSet.of(CALLED, IN_SERVICE, WAITING, NO_SHOW, LEFT, TRANSFERRED),
      IN_SERVICE, EnumSet.of(COMPLETED, WAITING, TRANSFERRED),
      NO_SHOW, EnumSet.of(WAITING, CANCELLED),
      COMPLETED, EnumSet.noneOf(Status.class),
      CANCELLED, EnumSet.noneOf(Status.class),
      LEFT, EnumSet.noneOf(Status.class),
      TRANSFERRED, EnumSet.noneOf(Status.class)));

  @Test
  void canMoveToMatchesTheTransitionTableForEveryPairOfStatuses() {
    assertThat(ALLOWED.keySet()).containsExactlyInAnyOrder(Status.values());
    for (Status from : Status.values()) {
      for (Status to : Status.values()) {
        assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(ALLOWED.get(from).contains(to));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Status.class, names = {"COMPLETED", "CANCELLED", "LEFT", "TRANSFERRED"})
  void endedStatusesAreTerminal(Status ended) {
    assertThat(ended.isEnded()).isTrue();
    for (Status to : Status.values()) assertThat(ended.canMoveTo(to)).as("%s -> %s", ended, to).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Status.class, names = {"EXPECTED", "WAITING", "CALLED", "IN_SERVICE", "NO_SHOW"})
  void liveStatusesAreNotEndedAndCanAlwaysReachAnEndedStatus(Status live) {
    assertThat(live.isEnded()).isFalse();
    assertThat(reachable(live)).as("reachable from %s", live).containsAnyElementsOf(Status.ENDED);
  }

  @Test
  void nothingMovesBackToExpected() {
    for (Status from : Status.values()) assertThat(from.canMoveTo(EXPECTED)).as("%s -> EXPECTED", from).isFalse();
  }

  @Test
  void aPatientMustBeCalledBeforeBeingSeenAndSeenBeforeCompleting() {
    assertThat(WAITING.canMoveTo(IN_SERVICE)).isFalse();
    assertThat(WAITING.canMoveTo(COMPLETED)).isFalse();
    assertThat(CALLED.canMoveTo(COMPLETED)).isFalse();
    assertThat(EXPECTED.canMoveTo(CALLED)).isFalse();
  }

  @Test
  void onlyACalledPatientCanBeMarkedNoShowOnceCheckedIn() {
    assertThat(CALLED.canMoveTo(NO_SHOW)).isTrue();
    assertThat(WAITING.canMoveTo(NO_SHOW)).isFalse();
    assertThat(IN_SERVICE.canMoveTo(NO_SHOW)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Status.class)
  void wireNamesRoundTrip(Status s) {
    assertThat(s.wire()).isLowerCase();
    assertThat(Status.fromWire(s.wire())).isEqualTo(s);
  }

  private static Set<Status> reachable(Status from) {
    Set<Status> seen = EnumSet.noneOf(Status.class);
    java.util.ArrayDeque<Status> todo = new java.util.ArrayDeque<>(Set.of(from));
    while (!todo.isEmpty()) {
      Status s = todo.pop();
      for (Status to : Status.values()) if (s.canMoveTo(to) && seen.add(to)) todo.push(to);
    }
    return seen;
  }
}
