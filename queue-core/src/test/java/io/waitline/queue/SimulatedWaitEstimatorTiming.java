package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static io.waitline.queue.Entries.entry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CPU milliseconds per {@link SimulatedWaitEstimator#estimate} with 20, 200 and 400 waiting, at a clinic of three desks
 * and at one whose 50 latest called patients were never completed (50 desks busy: what the display benchmark's calls
 * leave, see docs/benchmarks.md). Not a test: run by hand (see docs/benchmarks.md, "The wait estimate a command
 * runs").
 */
final class SimulatedWaitEstimatorTiming {
  private static final int DAYS = 5;
  private static final int ROUNDS = 20;
  /** CPU time of this thread: the machine is shared, and time spent waiting for a core is not the estimator's. */
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    SimulatedWaitEstimator estimator = new SimulatedWaitEstimator();
    int[] sizes = {20, 200, 400};
    int[] busyDesks = {2, 50};
    // a first pass over every case warms the JIT up; only the second is printed
    for (int pass = 0; pass < 2; pass++) {
      if (pass == 1) System.out.println("waiting | desks busy | CPU ms per estimate: median (min–max)");
      for (int busy : busyDesks) {
        for (int n : sizes) {
          QueueDay[] days = new QueueDay[DAYS];
          for (int d = 0; d < DAYS; d++) days[d] = clinic(new Random(n * 31L + d), n, busy);
          double[] ms = new double[ROUNDS * DAYS];
          for (int i = 0; i < ROUNDS * DAYS; i++) ms[i] = millis(estimator, days[i % DAYS]);
          if (pass == 1) System.out.printf(Locale.ROOT, "%7d | %10d | %s%n", n, busy, summary(ms));
        }
      }
    }
  }

  /**
   * A clinic at mid-morning: {@code n} waiting (one in ten high priority, a third with an appointment), three desks
   * serving about every ten minutes since 8:00, and {@code busy} desks busy now (the first in service, the others
   * each with a patient called a little earlier than the one before).
   */
  private static QueueDay clinic(Random r, int n, int busy) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Instant placeAt = NOW.minusSeconds(r.nextInt(7200));
      Priority priority = r.nextInt(10) == 0 ? Priority.HIGH : Priority.NORMAL;
      entries.add(entry(i, Status.WAITING, priority, placeAt, r.nextInt(3) == 0 ? placeAt.plusSeconds(600) : null));
    }
    entries.add(entry(n + 1, Status.WAITING, Priority.NORMAL, NOW.minusSeconds(3600), null)
        .withStatus(Status.IN_SERVICE, NOW.minusSeconds(240), "Room 1"));
    for (int b = 2; b <= busy; b++) {
      entries.add(entry(n + b, Status.WAITING, Priority.NORMAL, NOW.minusSeconds(3000), null)
          .withStatus(Status.CALLED, NOW.minusSeconds(30L * b), "Room " + b));
    }
    List<QueueDay.Served> served = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      Instant completed = NOW.minusSeconds(200L * i + 60);
      served.add(new QueueDay.Served(completed, 420 + r.nextInt(300), 600, "Room " + (1 + i % 3),
          new QueueDay.Arrival(completed.minusSeconds(3600), Priority.NORMAL, true, null)));
    }
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(10), Duration.ofHours(3), TransferPolicy.KEEP_PLACE);
    ServiceQueue queue = new ServiceQueue("q", "s", "GP", "A", rule, 600, false, 3, 0);
    return QueueDay.of(entries, queue, served, List.of(), List.of(), NOW);
  }

  private static double millis(SimulatedWaitEstimator estimator, QueueDay day) {
    long start = CPU.getCurrentThreadCpuTime();
    if (estimator.estimate(day).size() != day.waiting().size()) throw new IllegalStateException("no estimate");
    return (CPU.getCurrentThreadCpuTime() - start) / 1e6;
  }

  private static String summary(double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
  }
}
