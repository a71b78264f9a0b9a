package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static io.waitline.queue.Entries.entry;
import static io.waitline.queue.Entries.minutesAgo;
import static io.waitline.queue.Entries.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineupTest {
  private static ServiceQueue queue(int staff) {
    return new ServiceQueue("q", "s", "Lab", "A", OrderingRule.DEFAULT, 600, false, staff, 0);
  }

  private static final ServiceStats NO_HISTORY = new ServiceStats(List.of(), 600);

  @Test
  void positionsAreOneBasedInServiceOrderWithAnEstimateEach() {
    Entry second = waiting(1, minutesAgo(10));
    Entry first = waiting(2, Priority.URGENT, minutesAgo(1));
    Entry called = entry(3, Status.CALLED, Priority.NORMAL, minutesAgo(30), null);

    Lineup lineup = Lineup.of(List.of(second, first, called), queue(1), NO_HISTORY, new ServiceTimeEstimator(), NOW);

    assertThat(lineup.places()).extracting(Lineup.Place::entry).containsExactly(first, second);
    assertThat(lineup.places()).extracting(Lineup.Place::position).containsExactly(1, 2);
    assertThat(lineup.placeOf(first.id()).estimate()).isEqualTo(new WaitEstimate(10, 17, false));
    assertThat(lineup.placeOf(called.id())).isNull();
  }

  @Test
  void withNoStaffOnDutyPlacesHaveNoEstimate() {
    Lineup lineup = Lineup.of(List.of(waiting(1, minutesAgo(10))), queue(0), NO_HISTORY,
        new ServiceTimeEstimator(), NOW);

    assertThat(lineup.places()).singleElement().satisfies(p -> {
      assertThat(p.position()).isEqualTo(1);
      assertThat(p.estimate()).isNull();
    });
  }
}
