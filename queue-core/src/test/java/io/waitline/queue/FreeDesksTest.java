package io.waitline.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.SimulatedWaitEstimator.FreeDesks;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * A run's desks used to be picked by scanning every desk's next free time for the first minimum; {@link FreeDesks}
 * keeps them in a heap. Both must pick the same desk at every call, ties and desks that never call again included, so
 * that the estimates stay the same.
 */
class FreeDesksTest {

  @Property(tries = 500)
  void theHeapPicksTheDeskAScanForTheFirstMinimumPicks(@ForAll long seed) {
    Random r = new Random(seed);
    int desks = 1 + (r.nextBoolean() ? r.nextInt(4) : r.nextInt(80));
    // whole minutes on some runs, so that desks are often free at the same time and only their number decides
    boolean coarse = r.nextBoolean();
    double[] scanned = new double[desks];
    for (int d = 0; d < desks; d++) scanned[d] = time(r, 0, coarse);
    FreeDesks heap = new FreeDesks(scanned.clone());
    boolean tied = false;
    boolean neverAgain = false;

    for (int call = 0; call < 400; call++) {
      int expected = firstMinimum(scanned);
      for (int d = 0; d < desks; d++) tied |= d != expected && scanned[d] == scanned[expected];
      assertThat(heap.first()).as("call %d", call).isEqualTo(expected);
      if (scanned[expected] == Double.POSITIVE_INFINITY) break;
      double next = time(r, scanned[expected], coarse);
      neverAgain |= next == Double.POSITIVE_INFINITY;
      scanned[expected] = next;
      heap.firstFreeAt(next);
    }

    Statistics.label("a tie between desks").collect(tied);
    Statistics.label("a desk off for good").collect(neverAgain);
    Statistics.label("a tie between desks").coverage(c -> c.check(true).percentage(p -> p >= 30));
    Statistics.label("a desk off for good").coverage(c -> c.check(true).percentage(p -> p >= 30));
  }

  /** The scan {@link SimulatedWaitEstimator}'s runs did before the heap. */
  private static int firstMinimum(double[] freeAt) {
    int d = 0;
    for (int k = 1; k < freeAt.length; k++) if (freeAt[k] < freeAt[d]) d = k;
    return d;
  }

  /** A time from {@code now} on: now itself, minutes later, or never. */
  private static double time(Random r, double now, boolean coarse) {
    int kind = r.nextInt(20);
    if (kind == 0) return Double.POSITIVE_INFINITY;
    if (kind == 1) return now;
    double later = now + r.nextDouble() * 1800;
    return coarse ? Math.ceil(later / 60) * 60 : later;
  }
}
