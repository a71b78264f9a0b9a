package io.waitline.queue;

import static io.waitline.queue.Entries.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.SimulatedWaitEstimator.Item;
import io.waitline.queue.SimulatedWaitEstimator.Parameters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * The estimator's runs call patients through {@link ServiceOrderQueue}; before it, each call scanned the whole line
 * ({@link LinearScan}, kept here as the reference). Both must give every patient the same estimate.
 */
class SimulatedWaitEstimatorLinearScanTest {

  @Property(tries = 120)
  void theQueuesOfEachServiceClassGiveTheSameEstimatesAsAScanOfTheWholeLine(@ForAll long seed) {
    Random r = new Random(seed);
    QueueDay day = generatedDay(r, 1 + (r.nextBoolean() ? r.nextInt(40) : r.nextInt(400)));
    List<LinearScan> scans = new ArrayList<>();
    Map<UUID, WaitEstimate> reference = new SimulatedWaitEstimator(Parameters.LEARNED, capacity -> {
      LinearScan scan = new LinearScan(capacity);
      scans.add(scan);
      return scan;
    }).estimate(day);

    Map<UUID, WaitEstimate> fast = new SimulatedWaitEstimator().estimate(day);

    assertThat(fast).isEqualTo(reference);
    Statistics.label("estimated").collect(!reference.isEmpty());
    Statistics.label("promoted during a run").collect(scans.stream().anyMatch(s -> s.calledNewlyPromoted));
    Statistics.label("arrival called").collect(scans.stream().anyMatch(s -> s.calledArrival));
    Statistics.label("tie broken by order").collect(scans.stream().anyMatch(s -> s.tieBrokenByOrder));
    Statistics.label("estimated").coverage(c -> c.check(true).percentage(p -> p >= 80));
    Statistics.label("promoted during a run").coverage(c -> c.check(true).percentage(p -> p >= 30));
    Statistics.label("arrival called").coverage(c -> c.check(true).percentage(p -> p >= 30));
    Statistics.label("tie broken by order").coverage(c -> c.check(true).percentage(p -> p >= 20));
  }

  /**
   * A line of {@code n} of all priorities, appointments due early and late, patients promoted before now or during the
   * day, a rota with breaks or always-on desks, busy desks, expected appointments, past services and leavers. On some
   * days times are whole minutes, so that due and place times tie and only the order tells patients apart.
   */
  static QueueDay generatedDay(Random r, int n) {
    boolean wholeMinutes = r.nextInt(3) == 0;
    OrderingRule rule = new OrderingRule(Duration.ofMinutes(r.nextInt(20)), Duration.ofMinutes(10 + r.nextInt(170)),
        TransferPolicy.KEEP_PLACE);
    List<Entry> entries = new ArrayList<>();
    int id = 0;
    for (int i = 0; i < n; i++) {
      Instant placeAt = ago(r, 0, 240, wholeMinutes);
      Instant appointment = r.nextInt(5) < 2 ? placeAt.plusSeconds(60L * (r.nextInt(90) - 30)) : null;
      entries.add(Entries.entry(++id, Status.WAITING, priority(r), placeAt, appointment));
    }
    for (int i = r.nextInt(30); i > 0; i--) {
      Instant appointment = NOW.plusSeconds(60L * (r.nextInt(200) - 40));
      entries.add(Entries.entry(++id, Status.EXPECTED, priority(r), appointment, appointment));
    }
    List<String> desks = List.of("Room 1", "Room 2", "Room 3");
    for (int i = r.nextInt(4); i > 0; i--) {
      Status status = r.nextBoolean() ? Status.CALLED : Status.IN_SERVICE;
      Instant since = ago(r, 0, 30, wholeMinutes);
      entries.add(Entries.entry(++id, Status.WAITING, priority(r), since, null)
          .withStatus(status, since, desks.get(r.nextInt(desks.size()))));
    }
    List<QueueDay.Served> served = new ArrayList<>();
    Instant completed = NOW.minusSeconds(r.nextInt(900));
    for (int i = r.nextInt(60); i > 0; i--) {
      int service = 120 + r.nextInt(900);
      Priority priority = priority(r);
      boolean walkIn = r.nextBoolean();
      QueueDay.Arrival arrival = new QueueDay.Arrival(completed.minusSeconds(service + r.nextInt(3600)), priority,
          walkIn, walkIn ? null : completed.minusSeconds(service + r.nextInt(3600)));
      served.add(new QueueDay.Served(completed, service, r.nextBoolean() ? service + r.nextInt(180) : null,
          r.nextBoolean() ? desks.get(r.nextInt(desks.size())) : null, arrival));
      completed = completed.minusSeconds(60 + r.nextInt(900));
    }
    List<QueueDay.Left> left = new ArrayList<>();
    for (int i = r.nextInt(10); i > 0; i--) {
      Instant leftAt = ago(r, 0, 180, wholeMinutes);
      left.add(new QueueDay.Left(leftAt.minusSeconds(r.nextInt(5400)), leftAt, r.nextBoolean()));
    }
    List<QueueDay.Shift> rota = new ArrayList<>();
    if (r.nextBoolean()) {
      for (int d = r.nextInt(desks.size()); d >= 0; d--) {
        Instant from = NOW.plusSeconds(60L * (r.nextInt(180) - 120));
        for (int shift = 1 + r.nextInt(3); shift > 0; shift--) {
          Instant to = from.plusSeconds(60L * (20 + r.nextInt(240)));
          rota.add(new QueueDay.Shift(desks.get(d), from, to));
          from = to.plusSeconds(60L * (5 + r.nextInt(60)));
        }
      }
    }
    ServiceQueue queue = new ServiceQueue("q", "s", "GP", "A", rule, 300 + r.nextInt(900), false, r.nextInt(4), 0);
    return QueueDay.of(entries, queue, served, left, rota, NOW);
  }

  private static Priority priority(Random r) {
    int p = r.nextInt(20);
    return p == 0 ? Priority.URGENT : p < 5 ? Priority.HIGH : Priority.NORMAL;
  }

  private static Instant ago(Random r, int fromMinutes, int toMinutes, boolean wholeMinutes) {
    long seconds = 60L * fromMinutes + (long) (r.nextDouble() * 60 * (toMinutes - fromMinutes));
    return NOW.minusSeconds(wholeMinutes ? seconds / 60 * 60 : seconds);
  }

  /**
   * The estimator's runs as they were: each call scans every patient waiting for the first in {@link QueueOrdering}'s
   * order at that time. Notes what a run went through, so the test can tell its days reach those cases.
   */
  static final class LinearScan implements SimulatedWaitEstimator.Pending {
    private final List<Item> pending;
    boolean calledNewlyPromoted;
    boolean calledArrival;
    boolean tieBrokenByOrder;

    LinearScan(int capacity) {
      pending = new ArrayList<>(capacity);
    }

    @Override
    public void add(Item item) {
      pending.add(item);
    }

    @Override
    public void start(Item[] line) {
      pending.clear();
      pending.addAll(List.of(line));
    }

    @Override
    public Item poll(double t) {
      int best = -1;
      for (int k = 0; k < pending.size(); k++) {
        if (best < 0 || before(pending.get(k), pending.get(best), t)) best = k;
      }
      if (best < 0) return null;
      Item called = pending.get(best);
      pending.set(best, pending.get(pending.size() - 1));
      pending.remove(pending.size() - 1);
      calledNewlyPromoted |= serviceClass(called, t) == 1 && serviceClass(called, 0) != 1;
      calledArrival |= called.index() < 0;
      return called;
    }

    private static int serviceClass(Item item, double t) {
      if (item.priorityRank() == Priority.URGENT.rank()) return 0;
      if (t > item.promotedAfter()) return 1;
      return item.priorityRank() == Priority.HIGH.rank() ? 2 : 3;
    }

    private boolean before(Item item, Item other, double t) {
      int c = Integer.compare(serviceClass(item, t), serviceClass(other, t));
      if (c == 0) c = Double.compare(item.dueAt(), other.dueAt());
      if (c == 0) c = Double.compare(item.placeAt(), other.placeAt());
      tieBrokenByOrder |= c == 0;
      if (c == 0) c = Integer.compare(item.order(), other.order());
      return c < 0;
    }
  }
}
