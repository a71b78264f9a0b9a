package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static io.waitline.queue.Entries.entry;
import static io.waitline.queue.Entries.minutesAgo;
import static io.waitline.queue.Entries.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineupTest {
  private static ServiceQueue queue(int staff, boolean paused) {
    return new ServiceQueue("q", "s", "Lab", "A", OrderingRule.DEFAULT, 600, paused, staff, 0);
  }

  private static Lineup lineup(List<Entry> entries, ServiceQueue queue) {
    return Lineup.of(QueueDay.of(entries, queue, List.of(), List.of(), List.of(), NOW), new ServiceTimeEstimator());
  }

  @Test
  void positionsAreOneBasedInServiceOrderWithAnEstimateEach() {
    Entry second = waiting(1, minutesAgo(10));
    Entry first = waiting(2, Priority.URGENT, minutesAgo(1));
    Entry called = entry(3, Status.CALLED, Priority.NORMAL, minutesAgo(30), null);

    Lineup lineup = lineup(List.of(second, first, called), queue(1, false));

    assertThat(lineup.places()).extracting(Lineup.Place::entry).containsExactly(first, second);
    assertThat(lineup.places()).extracting(Lineup.Place::position).containsExactly(1, 2);
    assertThat(lineup.placeOf(first.id()).estimate()).isEqualTo(new WaitEstimate(10, 17, false));
    assertThat(lineup.placeOf(called.id())).isNull();
  }

  @Test
  void withNoStaffOnDutyPlacesHaveNoEstimate() {
    Lineup lineup = lineup(List.of(waiting(1, minutesAgo(10))), queue(0, false));

    assertThat(lineup.places()).singleElement().satisfies(p -> {
      assertThat(p.position()).isEqualTo(1);
      assertThat(p.estimate()).isNull();
    });
  }

  @Test
  void aPausedQueueKeepsPositionsButShowsNoEstimateAsIfServing() {
    Lineup running = lineup(List.of(waiting(1, minutesAgo(10)), waiting(2, minutesAgo(5))), queue(2, false));
    Lineup paused = lineup(List.of(waiting(1, minutesAgo(10)), waiting(2, minutesAgo(5))), queue(2, true));

    assertThat(running.places()).allSatisfy(p -> assertThat(p.estimate()).isNotNull());
    assertThat(paused.places()).extracting(Lineup.Place::position).containsExactly(1, 2);
    assertThat(paused.places()).allSatisfy(p -> assertThat(p.estimate()).isNull());
  }
}
