package io.waitline.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Estimates waits by simulating the rest of the queue's day many times from what the server knows now: the line in
 * service order, the desks busy now and since when, the desks on duty or the rota, recent desk times per patient
 * (call to the desk's next call, so walking and turnover count) weighted towards the latest, the patients who may
 * still arrive ahead (urgent and high-priority walk-ins, expected appointments) and those ahead who may give up. Each
 * run calls patients in the order {@link QueueOrdering} gives; P50 and P90 are read off the runs: the wait of a
 * patient who stays.
 *
 * <p>Deterministic for a given input (fixed seeds), so consecutive updates differ only by what changed. Random draws
 * are tied to the n-th call of a run, not to a patient, so within a run calls happen at the same times whoever is
 * called: one more patient ahead can only delay someone, one more desk can only hasten them. The work is bounded:
 * runs shrink for very long lines.
 */
public final class SimulatedWaitEstimator implements WaitEstimator {
  private static final int MAX_RUNS = 200;
  private static final int MIN_RUNS = 40;
  /**
   * runs × waiting × (waiting + arrivals): the number of runs for a line, as calibrated when each call scanned the
   * whole line. A call now costs O(log n) ({@link ServiceOrderQueue}); the runs are kept so the estimates stay the same.
   */
  private static final long WORK_BUDGET = 3_000_000;
  private static final double HORIZON_SECONDS = 8 * 3600;
  private static final double ARRIVALS_HORIZON_SECONDS = 3 * 3600;
  private static final int MAX_ARRIVALS = 150;
  /** Clinic time between two services never counts more than this (an evening, a night). */
  private static final double MAX_GAP_SECONDS = 30 * 60;
  private static final double RATE_WINDOW_SECONDS = 3600;

  /**
   * Constants shared by every site, learned on the benchmark's training days; each queue's own parameters (desk time
   * per patient, its spread, arrival rates, show rate, lateness) come from its own history.
   *
   * @param halfLifeMinutes clinic minutes after which a service counts half
   * @param priorWeight how many services the queue's default service time counts as
   * @param drift spread (log scale) of a whole run's pace against the recent one: the pace drifts during a day
   * @param absentMinutes mean wait for a desk the rota has on duty that has not called anyone since its shift began
   * @param walkInLeavesPerHour how often a waiting walk-in gives up, per hour waited, before the queue's own leavers
   *     say otherwise (it counts as two hours of waiting at that rate)
   * @param seed the seed of the runs
   */
  public record Parameters(double halfLifeMinutes, double priorWeight, double drift, double absentMinutes,
      double walkInLeavesPerHour, long seed) {
    public static final Parameters LEARNED = new Parameters(120, 2, 0.05, 10, 0.5, 20261201L);

    /** These constants with another half-life (tuning varies one constant at a time). */
    public Parameters withHalfLifeMinutes(double minutes) {
      return new Parameters(minutes, priorWeight, drift, absentMinutes, walkInLeavesPerHour, seed);
    }

    public Parameters withDrift(double spread) {
      return new Parameters(halfLifeMinutes, priorWeight, spread, absentMinutes, walkInLeavesPerHour, seed);
    }

    public Parameters withWalkInLeavesPerHour(double rate) {
      return new Parameters(halfLifeMinutes, priorWeight, drift, absentMinutes, rate, seed);
    }
  }

  private final Parameters params;
  /** A run's pending patients, for at most as many as given. */
  private final IntFunction<Pending> newPending;

  public SimulatedWaitEstimator() {
    this(Parameters.LEARNED);
  }

  public SimulatedWaitEstimator(Parameters params) {
    this(params, ServiceOrderQueue::new);
  }

  /** With another way to pick the next patient of a run (tests compare it with a plain scan of the line). */
  SimulatedWaitEstimator(Parameters params, IntFunction<Pending> newPending) {
    this.params = params;
    this.newPending = newPending;
  }

  /** The patients waiting in one run; the desks call them in {@link QueueOrdering}'s order. */
  interface Pending {
    /**
     * Empties it and puts the line in, for the next run: every run of an estimate starts from the same {@code line}
     * (the same array, not to be changed), so what is worked out from the line can be kept from one run to the next.
     */
    void start(Item[] line);

    /** A patient who arrives during the run. */
    void add(Item item);

    /** Removes and returns the first in the order at {@code t}, null when nobody waits; t never decreases. */
    Item poll(double t);
  }

  @Override
  public Map<UUID, WaitEstimate> estimate(QueueDay day) {
    List<Entry> line = day.waiting();
    if (line.isEmpty()) return Map.of();
    Desks desks = Desks.of(day);
    if (desks == null) return Map.of();
    DeskTime deskTime = DeskTime.fit(day, params);
    ArrivalModel arrivalModel = ArrivalModel.fit(day, params);
    int n = line.size();
    long perRun = (long) n * (n + MAX_ARRIVALS);
    int runs = (int) Math.max(MIN_RUNS, Math.min(MAX_RUNS, WORK_BUDGET / perRun));

    Item[] known = new Item[n];
    double latestDue = 0;
    for (int i = 0; i < n; i++) {
      known[i] = Item.of(line.get(i), i, day);
      latestDue = Math.max(latestDue, known[i].dueAt());
    }
    double[][] waits = new double[n][runs];
    // one of each per estimate, set again for each run to where a new stream of that run would stand (setSeed is
    // specified as what the seeding constructor does; the draws resume after their pace draw), without three
    // generators and a queue built per run
    RunStarts runStarts = RunStarts.of(params.seed());
    UnsharedRandom draws = new UnsharedRandom();
    UnsharedRandom starts = new UnsharedRandom();
    UnsharedRandom arrivals = new UnsharedRandom();
    Pending pending = newPending.apply(n + Math.max(MAX_ARRIVALS, day.expected().size()));
    for (int r = 0; r < runs; r++) {
      draws.resume(runStarts.drawsAfterPace[r], runStarts.secondOfPair[r]);
      starts.setSeed(runStarts.starts[r]);
      arrivals.setSeed(runStarts.arrivals[r]);
      double pace = Math.exp(runStarts.paceDraws[r] * deskTime.paceSpread);
      double[] freeAt = desks.firstCalls(deskTime, params, starts, pace);
      double[] leaves = new double[n];
      for (int i = 0; i < n; i++) leaves[i] = arrivalModel.leavesAt(line.get(i), params.seed(), r);
      List<Item> arriving = arrivalModel.sample(day, arrivals, n, latestDue);
      pending.start(known);
      simulate(pending, desks, deskTime, pace, freeAt, arriving, known, leaves, draws, waits, r);
    }

    Map<UUID, WaitEstimate> result = new HashMap<>();
    boolean basedOnHistory = day.served().size() >= ServiceStats.MIN_SAMPLES;
    for (int i = 0; i < n; i++) {
      double[] sorted = waits[i].clone();
      Arrays.sort(sorted);
      int p50 = (int) Math.round(quantile(sorted, 0.5) / 60);
      int p90 = Math.max(p50, (int) Math.round(quantile(sorted, 0.9) / 60));
      result.put(line.get(i).id(), new WaitEstimate(p50, p90, basedOnHistory));
    }
    return result;
  }

  /**
   * One run: desks call the first of the order whenever they are free and on duty, until everyone in line is called.
   * Those who give up in this run cost the desks nothing, which is what shortens the waits behind them; their own
   * wait is the one they would have had by staying, since that is what their estimate tells them. So one more
   * patient ahead can still only delay the others: if they stay they take a call, if they give up they take none.
   */
  private static void simulate(Pending pending, Desks desks, DeskTime deskTime, double pace, double[] freeAt,
      List<Item> arriving, Item[] known, double[] leaves, Random draws, double[][] waits, int run) {
    for (double[] w : waits) w[run] = HORIZON_SECONDS;
    int uncalled = known.length;
    int next = 0;
    FreeDesks free = new FreeDesks(freeAt);
    while (uncalled > 0) {
      int d = free.first();
      double t = freeAt[d];
      if (t >= HORIZON_SECONDS) return;
      while (next < arriving.size() && arriving.get(next).placeAt <= t) pending.add(arriving.get(next++));
      Item called = pending.poll(t);
      if (called == null) return;
      if (called.index >= 0) {
        waits[called.index][run] = t;
        uncalled--;
        // whoever gave up before their turn is not there: the desk goes straight on to the next
        if (leaves[called.index] < t) continue;
      }
      free.firstFreeAt(desks.nextOn(d, t + deskTime.sample(draws) * pace));
    }
  }

  /**
   * A run's desks by when each is next free ({@code freeAt}, by desk), earliest first and among equal times the lowest
   * desk: the desk a scan for the first minimum picks, in O(log desks) a call instead of O(desks) (a queue whose
   * desks' patients are never completed has up to {@code QueueStore.RECENT_AT_DESKS} busy desks).
   */
  static final class FreeDesks {
    private final double[] freeAt;
    /** Desks as a binary heap: each before its two children. */
    private final int[] heap;

    FreeDesks(double[] freeAt) {
      this.freeAt = freeAt;
      heap = new int[freeAt.length];
      for (int d = 0; d < heap.length; d++) heap[d] = d;
      for (int i = heap.length / 2 - 1; i >= 0; i--) siftDown(i);
    }

    /** The desk free first. */
    int first() {
      return heap[0];
    }

    /** The desk free first is next free at {@code t} (not before now). */
    void firstFreeAt(double t) {
      freeAt[heap[0]] = t;
      siftDown(0);
    }

    private void siftDown(int i) {
      int desk = heap[i];
      int half = heap.length / 2;
      while (i < half) {
        int child = 2 * i + 1;
        if (child + 1 < heap.length && before(heap[child + 1], heap[child])) child++;
        if (!before(heap[child], desk)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = desk;
    }

    private boolean before(int a, int b) {
      return freeAt[a] < freeAt[b] || freeAt[a] == freeAt[b] && a < b;
    }
  }

  /**
   * An independent random stream for (seed, kind, run): seeds are mixed first, since java.util.Random's first draws
   * for nearby seeds are nearly equal.
   */
  static Random stream(long seed, long kind, long run) {
    return new Random(streamSeed(seed, kind, run));
  }

  private static long streamSeed(long seed, long kind, long run) {
    return new SplittableRandom(mixed(seed, kind, run)).nextLong();
  }

  private static long mixed(long seed, long kind, long run) {
    return seed ^ kind * 0x9E3779B97F4A7C15L ^ run * 0xC2B2AE3D27D4EB4FL;
  }

  /**
   * What every run of every estimate with one seed starts from, the same whatever the line: its streams' seeds and the
   * pace draw that opens its draws (a nextGaussian: a logarithm and a square root per run when drawn anew). Computed
   * once per seed; the last seed's are kept.
   */
  static final class RunStarts {
    private static volatile RunStarts last;

    final long seed;
    final long[] starts = new long[MAX_RUNS];
    final long[] arrivals = new long[MAX_RUNS];
    final double[] paceDraws = new double[MAX_RUNS];
    /** Where the draws' generator stands after the pace draw ({@link Random}'s internal state, unscrambled). */
    final long[] drawsAfterPace = new long[MAX_RUNS];
    /** The other value of the pair the pace draw came from, which the draws' next nextGaussian answers. */
    final double[] secondOfPair = new double[MAX_RUNS];

    private RunStarts(long seed) {
      this.seed = seed;
      for (int r = 0; r < MAX_RUNS; r++) {
        starts[r] = streamSeed(seed, 2, r);
        arrivals[r] = streamSeed(seed, 3, r);
        UnsharedRandom draws = new UnsharedRandom();
        draws.setSeed(streamSeed(seed, 1, r));
        paceDraws[r] = draws.nextGaussian();
        secondOfPair[r] = draws.secondOfPair;
        drawsAfterPace[r] = draws.state;
      }
    }

    static RunStarts of(long seed) {
      RunStarts known = last;
      if (known != null && known.seed == seed) return known;
      RunStarts made = new RunStarts(seed);
      last = made;
      return made;
    }
  }

  /**
   * {@link Random}'s generator as its documentation specifies it, for one thread: {@link Random} pays on every
   * {@code setSeed} and {@code nextGaussian} for being shared (a lock and an atomic write), which was a tenth of a
   * short line's estimate. Its other draws ({@code nextDouble}, {@code nextInt}, ...) are {@link Random}'s own code
   * over {@link #next}, so every draw is the one a seeded {@link Random} gives ({@code SimulatedWaitEstimatorTest}).
   */
  static final class UnsharedRandom extends Random {
    private long state; // set by Random's constructor through setSeed, so no initializer here
    private double secondOfPair;
    private boolean holdsSecond;

    @Override
    public void setSeed(long seed) {
      state = (seed ^ LCG_MULTIPLIER) & LCG_MASK;
      holdsSecond = false;
    }

    /** Stands where a seeded {@link Random} stood after its first nextGaussian: its state, the pair's other value. */
    void resume(long stateAfterFirstGaussian, double second) {
      state = stateAfterFirstGaussian;
      secondOfPair = second;
      holdsSecond = true;
    }

    @Override
    protected int next(int bits) {
      state = (state * LCG_MULTIPLIER + LCG_ADDEND) & LCG_MASK;
      return (int) (state >>> (48 - bits));
    }

    /** The polar method, as {@link Random#nextGaussian} documents it. */
    @Override
    public double nextGaussian() {
      if (holdsSecond) {
        holdsSecond = false;
        return secondOfPair;
      }
      double v1;
      double v2;
      double square;
      do {
        v1 = 2 * nextDouble() - 1;
        v2 = 2 * nextDouble() - 1;
        square = v1 * v1 + v2 * v2;
      } while (square >= 1 || square == 0);
      double multiplier = StrictMath.sqrt(-2 * StrictMath.log(square) / square);
      secondOfPair = v2 * multiplier;
      holdsSecond = true;
      return v1 * multiplier;
    }
  }

  /** {@link Random}'s linear congruential generator, as its documentation specifies it. */
  private static final long LCG_MULTIPLIER = 0x5DEECE66DL;
  private static final long LCG_ADDEND = 0xBL;
  private static final long LCG_MASK = (1L << 48) - 1;

  /**
   * {@code stream(seed, kind, run).nextDouble()}, bit for bit, without the two objects: a patient's leave draw is taken
   * once per patient and run, and building its stream was a third of an estimate's time. {@link Random}'s generator
   * is specified ({@code next(bits)} in its documentation), {@link SplittableRandom}'s is not: {@code
   * SimulatedWaitEstimatorTest} checks the equality on the running JDK.
   */
  static double firstDouble(long seed, long kind, long run) {
    // SplittableRandom's first nextLong: its gamma added once, then its mix64
    long z = mixed(seed, kind, run) + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    long state = (z ^ (z >>> 31) ^ LCG_MULTIPLIER) & LCG_MASK;
    state = (state * LCG_MULTIPLIER + LCG_ADDEND) & LCG_MASK;
    long high = state >>> (48 - 26);
    state = (state * LCG_MULTIPLIER + LCG_ADDEND) & LCG_MASK;
    long low = state >>> (48 - 27);
    return ((high << 27) + low) * 0x1.0p-53;
  }


  private static double quantile(double[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /**
   * A patient in a run, with what {@link QueueOrdering} orders by, in seconds from now.
   *
   * @param index the place in line of a patient waiting now; -1 for one arriving in the run
   * @param order unique in a run, the last key of the order: the place in line, then the arrivals in time order
   */
  record Item(int index, int priorityRank, double dueAt, double placeAt, double promotedAfter, int order) {
    /** The order within a service class. */
    static final Comparator<Item> IN_CLASS = (a, b) -> {
      int c = Double.compare(a.dueAt, b.dueAt);
      if (c == 0) c = Double.compare(a.placeAt, b.placeAt);
      return c != 0 ? c : Integer.compare(a.order, b.order);
    };

    static Item of(Entry e, int index, QueueDay day) {
      Instant due = QueueOrdering.dueAt(e, day.rule());
      return new Item(index, e.priority().rank(), seconds(day.now(), due), seconds(day.now(), e.placeAt()),
          seconds(day.now(), due.plus(day.rule().maxWait())), index);
    }

    static Item arriving(Priority priority, Instant appointmentAt, double at, QueueDay day) {
      double due = at;
      if (appointmentAt != null) {
        Instant place = day.now().plusMillis((long) (at * 1000));
        due = seconds(day.now(), QueueOrdering.dueAt(appointmentAt, place, day.rule()));
      }
      return new Item(-1, priority.rank(), due, at, due + day.rule().maxWait().toSeconds(), 0);
    }

    /** Whether the patient is promoted at {@code t}: waited past the longest wait ({@link QueueOrdering}). */
    boolean promotedAt(double t) {
      return t > promotedAfter;
    }
  }

  private static double seconds(Instant now, Instant at) {
    return Duration.between(now, at).toMillis() / 1000.0;
  }

  /**
   * The desks that will call: the rota's desks in their shifts (plus any desk busy now that the rota does not name),
   * or without a rota as many always-on desks as staff recorded or desks busy. For each, what holds its first call:
   * the patient it is busy with, the turnover after a service it just completed, or, for a rota desk on duty that has
   * not called anyone since its shift began, its absence.
   *
   * @param busyElapsed per desk, how long it has been at its current patient; negative when free
   * @param sinceCompletion per free desk, seconds since its last completion when recent; negative otherwise
   */
  private static final class Desks {
    private static final double RECENT_SECONDS = 10 * 60;
    private static final double SHIFT_GRACE_SECONDS = 5 * 60;
    final double[][] shifts;
    /** Per desk, whether it keeps calling after its last shift: only the desks whose shifts end last do. */
    final boolean[] openEnded;
    final double[] busyElapsed;
    final double[] sinceCompletion;
    final boolean[] absent;

    private Desks(double[][] shifts, boolean[] openEnded, double[] busyElapsed, double[] sinceCompletion,
        boolean[] absent) {
      this.shifts = shifts;
      this.openEnded = openEnded;
      this.busyElapsed = busyElapsed;
      this.sinceCompletion = sinceCompletion;
      this.absent = absent;
    }

    int count() {
      return busyElapsed.length;
    }

    /** Null when nobody will call. */
    static Desks of(QueueDay day) {
      List<String> names = new ArrayList<>();
      Map<String, List<double[]>> byDesk = new HashMap<>();
      for (QueueDay.Shift s : day.rota()) {
        if (!s.to().isAfter(day.now())) continue;
        byDesk.computeIfAbsent(s.desk(), k -> {
          names.add(k);
          return new ArrayList<>();
        }).add(new double[] {seconds(day.now(), s.from()), seconds(day.now(), s.to())});
      }
      List<double[]> shifts = new ArrayList<>();
      List<Double> elapsed = new ArrayList<>();
      for (String name : names) {
        shifts.add(byDesk.get(name).stream().sorted((a, b) -> Double.compare(a[0], b[0]))
            .flatMapToDouble(Arrays::stream).toArray());
        elapsed.add(-1.0);
      }
      List<QueueDay.Busy> unplaced = new ArrayList<>();
      for (QueueDay.Busy b : day.busy()) {
        int d = b.desk() == null ? -1 : names.indexOf(b.desk());
        if (d >= 0 && elapsed.get(d) < 0) elapsed.set(d, DeskTime.elapsed(b, day.now()));
        else unplaced.add(b);
      }
      int alwaysOn = day.rota().isEmpty() ? Math.max(day.staffOnDuty(), unplaced.size()) : unplaced.size();
      for (int i = 0; i < alwaysOn; i++) {
        shifts.add(null);
        elapsed.add(i < unplaced.size() ? DeskTime.elapsed(unplaced.get(i), day.now()) : -1.0);
      }
      if (shifts.isEmpty()) return null;
      int n = shifts.size();
      double[] since = new double[n];
      boolean[] absent = new boolean[n];
      Arrays.fill(since, -1);
      List<Double> unattributed = new ArrayList<>();
      Map<String, Double> lastOfDesk = new HashMap<>();
      for (QueueDay.Served s : day.served()) {
        double ago = seconds(s.completedAt(), day.now());
        if (ago < 0) continue;
        if (s.desk() != null && names.contains(s.desk())) lastOfDesk.putIfAbsent(s.desk(), ago);
        else if (ago <= RECENT_SECONDS) unattributed.add(ago);
      }
      int next = 0;
      for (int d = 0; d < n; d++) {
        if (elapsed.get(d) >= 0) continue;
        if (d < names.size()) {
          Double ago = lastOfDesk.get(names.get(d));
          double[] s = shifts.get(d);
          double onSince = onSince(s);
          if (ago != null && ago <= RECENT_SECONDS) since[d] = ago;
          // on duty by the rota for a while, yet no call since the shift began: not there (yet)
          else if (onSince >= SHIFT_GRACE_SECONDS && (ago == null || ago > onSince)) absent[d] = true;
        } else if (next < unattributed.size()) {
          since[d] = unattributed.get(next++);
        }
      }
      // the patients still in line when the last shifts end are seen by those desks; a desk that leaves earlier
      // (or while an always-on desk carries on) stops at the end of its last shift
      double lastEnd = Double.NEGATIVE_INFINITY;
      for (double[] s : shifts) lastEnd = Math.max(lastEnd, s == null ? Double.POSITIVE_INFINITY : s[s.length - 1]);
      boolean[] openEnded = new boolean[n];
      for (int d = 0; d < n; d++) {
        double[] s = shifts.get(d);
        openEnded[d] = s == null || s[s.length - 1] >= lastEnd;
      }
      return new Desks(shifts.toArray(new double[0][]), openEnded,
          elapsed.stream().mapToDouble(Double::doubleValue).toArray(), since, absent);
    }

    /** How long the shift covering now has run; negative when no shift covers now. */
    private static double onSince(double[] s) {
      for (int i = 0; i < s.length; i += 2) if (s[i] <= 0 && 0 < s[i + 1]) return -s[i];
      return -1;
    }

    /** One run's first call time of each desk, in seconds from now, at the run's {@code pace}. */
    double[] firstCalls(DeskTime deskTime, Parameters params, Random r, double pace) {
      double[] freeAt = new double[count()];
      for (int d = 0; d < freeAt.length; d++) {
        double u = r.nextDouble();
        double from = 0;
        if (busyElapsed[d] >= 0) from = deskTime.remaining(busyElapsed[d], u) * pace;
        else if (sinceCompletion[d] >= 0) from = Math.max(0, deskTime.afterService(u) - sinceCompletion[d]);
        else if (absent[d]) from = -Math.log(1 - u) * params.absentMinutes() * 60;
        freeAt[d] = nextOn(d, from);
      }
      return freeAt;
    }

    /**
     * The first time from {@code t} on when desk {@code d} is on duty; never (infinity) after the last shift of a desk
     * that is not {@link #openEnded}. The last shifts of the day have no end: the patients already in line are seen.
     */
    double nextOn(int d, double t) {
      double[] s = shifts[d];
      if (s == null) return t;
      for (int i = 0; i < s.length; i += 2) {
        if (t < s[i + 1]) return Math.max(t, s[i]);
      }
      return openEnded[d] ? Math.max(t, s[s.length - 2]) : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * Desk time per patient (call to the desk's next call), lognormal, fitted to recent services weighted by clinic
   * time, with the queue's default service time as a prior.
   */
  private record DeskTime(double mu, double sigma, double paceSpread, double turnover) {
    private static final double PRIOR_SIGMA = 0.5;

    static DeskTime fit(QueueDay day, Parameters params) {
      List<QueueDay.Served> served = day.served();
      double turnover = turnover(served);
      double priorMu = Math.log(day.defaultServiceSeconds() + turnover);
      double sw = params.priorWeight(), swx = sw * priorMu, swxx = sw * (priorMu * priorMu + PRIOR_SIGMA * PRIOR_SIGMA);
      double sww = sw * sw;
      double age = 0;
      Instant previous = day.now();
      for (QueueDay.Served s : served) {
        age += Math.min(MAX_GAP_SECONDS, Math.max(0, seconds(s.completedAt(), previous)));
        previous = s.completedAt();
        double x = Math.log(Math.max(30, s.deskSeconds() != null ? s.deskSeconds() : s.serviceSeconds() + turnover));
        double w = Math.pow(0.5, age / 60 / params.halfLifeMinutes());
        sw += w;
        swx += w * x;
        swxx += w * x * x;
        sww += w * w;
      }
      double mu = swx / sw;
      double sigma = Math.sqrt(Math.max(0.01, swxx / sw - mu * mu));
      double effective = sw * sw / sww;
      double paceSpread = Math.sqrt(sigma * sigma / effective + params.drift() * params.drift());
      return new DeskTime(mu, sigma, paceSpread, turnover);
    }

    /** Median seconds from a completion to the desk's next call, where known; none known: a minute. */
    private static double turnover(List<QueueDay.Served> served) {
      double[] gaps = served.stream().filter(s -> s.deskSeconds() != null)
          .mapToDouble(s -> Math.max(0, s.deskSeconds() - s.serviceSeconds())).sorted().toArray();
      return gaps.length == 0 ? 60 : gaps[gaps.length / 2];
    }

    /** How long a busy desk has been at it; a service start counts after the typical walk to the room. */
    static double elapsed(QueueDay.Busy b, Instant now) {
      return Math.max(0, seconds(b.since(), now)) + (b.inService() ? 60 : 0);
    }

    double sample(Random r) {
      return Math.exp(mu + sigma * r.nextGaussian());
    }

    /** The rest of a desk time that has already lasted {@code elapsed} seconds, at uniform draw {@code u}. */
    double remaining(double elapsed, double u) {
      double from = Normal.cdf((Math.log(Math.max(1, elapsed)) - mu) / sigma);
      double q = from + (1 - from) * u;
      double total = Math.exp(mu + sigma * Normal.inverse(Math.min(Math.max(q, 1e-9), 1 - 1e-9)));
      return Math.max(0, total - elapsed);
    }

    /** Seconds from a completion to the desk's next call, at uniform draw {@code u}: about half the turnover. */
    double afterService(double u) {
      return turnover / 2 * Math.exp(0.6 * Normal.inverse(Math.min(Math.max(u, 1e-9), 1 - 1e-9)));
    }
  }

  /**
   * Who may still arrive ahead of the line: walk-ins at the last hour's rate per priority, and expected appointments
   * with today's show rate and lateness.
   */
  private record ArrivalModel(double[] walkInsPerSecond, double showRate, double[] lateness,
      double walkInLeavePerSecond, double appointmentLeavePerSecond) {
    static ArrivalModel fit(QueueDay day, Parameters params) {
      double earliest = 0;
      int[] counts = new int[Priority.values().length];
      List<Double> late = new ArrayList<>();
      for (QueueDay.Arrival a : day.arrivals()) {
        double at = seconds(day.now(), a.at());
        if (at > 0) continue;
        earliest = Math.min(earliest, at);
        if (a.walkIn() && at >= -RATE_WINDOW_SECONDS) counts[a.priority().rank()]++;
        if (a.appointmentAt() != null) late.add(seconds(a.appointmentAt(), a.at()));
      }
      double window = Math.max(20 * 60, Math.min(RATE_WINDOW_SECONDS, -earliest));
      double[] rates = new double[counts.length];
      for (int p = 0; p < counts.length; p++) rates[p] = counts[p] / window;
      long overdue = day.expected().stream()
          .filter(e -> seconds(e.appointmentAt(), day.now()) > day.rule().appointmentGrace().toSeconds() + 1800)
          .count();
      double showRate = (late.size() + 9.0) / (late.size() + overdue + 10.0);
      return new ArrivalModel(rates, showRate, late.stream().mapToDouble(Double::doubleValue).toArray(),
          leaveRate(day, true, params.walkInLeavesPerHour() / 3600), leaveRate(day, false, 0));
    }

    /**
     * Patients who left per second waited, over the last three hours, for walk-ins ({@code walkIn}) or for patients
     * with an appointment, each kind on its own: they leave at very different rates, and the time of those who rarely
     * leave would dilute the rate of those who do. Urgent patients are not counted (they never leave in a run); those
     * waiting now count their time so far. {@code prior} (per second) counts as two hours of waiting, so that the first
     * hour of a day, before anyone has had time to give up, is not taken for a day when nobody does.
     */
    private static double leaveRate(QueueDay day, boolean walkIn, double prior) {
      double window = 3 * 3600;
      double priorSeconds = 2 * 3600;
      int leftCount = 0;
      double waited = 0;
      for (QueueDay.Left l : day.left()) {
        double ago = seconds(l.leftAt(), day.now());
        if (l.walkIn() != walkIn || ago < 0 || ago > window) continue;
        leftCount++;
        waited += Math.max(0, seconds(l.placeAt(), l.leftAt()));
      }
      for (QueueDay.Served s : day.served()) {
        QueueDay.Arrival a = s.arrival();
        double ago = seconds(s.completedAt(), day.now());
        if (a == null || a.walkIn() != walkIn || a.priority() == Priority.URGENT || ago < 0 || ago > window) continue;
        waited += Math.max(0, seconds(a.at(), s.completedAt()) - s.serviceSeconds());
      }
      for (Entry e : day.waiting()) {
        if ((e.appointmentAt() == null) == walkIn && e.priority() != Priority.URGENT) {
          waited += Math.max(0, seconds(e.placeAt(), day.now()));
        }
      }
      return (leftCount + prior * priorSeconds) / (waited + priorSeconds);
    }

    /**
     * When a waiting patient leaves in run {@code run}, in seconds from now; never for an urgent one. Drawn per patient
     * (seeded by the entry id), so that adding someone to the line leaves the others' draws as they were.
     */
    double leavesAt(Entry e, long seed, int run) {
      double rate = e.appointmentAt() == null ? walkInLeavePerSecond : appointmentLeavePerSecond;
      if (rate <= 0 || e.priority() == Priority.URGENT) return Double.POSITIVE_INFINITY;
      return -Math.log(1 - firstDouble(seed ^ e.id().getMostSignificantBits(), e.id().getLeastSignificantBits(), run))
          / rate;
    }

    /**
     * One run's arrivals, in time order. Normal-priority walk-ins can only go ahead of someone due later than they
     * arrive (an early appointment), so they are drawn only until {@code latestDue}.
     */
    List<Item> sample(QueueDay day, Random r, int known, double latestDue) {
      List<Item> items = new ArrayList<>();
      for (Entry e : day.expected()) {
        if (r.nextDouble() >= showRate) continue;
        double appointment = seconds(day.now(), e.appointmentAt());
        double at = appointment + lateness(r);
        for (int tries = 0; at <= 0 && tries < 5; tries++) at = appointment + lateness(r);
        if (at <= 0) at = -600 * Math.log(1 - r.nextDouble());
        if (at < ARRIVALS_HORIZON_SECONDS) items.add(Item.arriving(e.priority(), e.appointmentAt(), at, day));
      }
      for (Priority p : Priority.values()) {
        double rate = walkInsPerSecond[p.rank()];
        if (rate <= 0) continue;
        double until = p == Priority.NORMAL ? Math.min(latestDue, ARRIVALS_HORIZON_SECONDS) : ARRIVALS_HORIZON_SECONDS;
        double at = 0;
        while (items.size() < MAX_ARRIVALS) {
          at += -Math.log(1 - r.nextDouble()) / rate;
          if (at >= until) break;
          items.add(Item.arriving(p, null, at, day));
        }
      }
      items.sort((a, b) -> Double.compare(a.placeAt(), b.placeAt()));
      List<Item> ordered = new ArrayList<>(items.size());
      for (Item i : items) {
        ordered.add(new Item(-1, i.priorityRank(), i.dueAt(), i.placeAt(), i.promotedAfter(), known + ordered.size()));
      }
      return ordered;
    }

    private double lateness(Random r) {
      if (lateness.length >= 3) return lateness[r.nextInt(lateness.length)];
      return -8 * 60 + 10 * 60 * r.nextGaussian();
    }
  }

  /** The standard normal distribution. */
  static final class Normal {
    private Normal() {}

    static double cdf(double x) {
      double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
      double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
          + t * 1.061405429)))) * Math.exp(-x * x / 2);
      return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    /** Acklam's rational approximation of the quantile function (relative error below 1.2e-9). */
    static double inverse(double p) {
      double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
          -3.066479806614716e+01, 2.506628277459239e+00};
      double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
          -1.328068155288572e+01};
      double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
          4.374664141464968e+00, 2.938163982698783e+00};
      double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
      double low = 0.02425;
      if (p < low) {
        double q = Math.sqrt(-2 * Math.log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
      }
      if (p > 1 - low) return -inverse(1 - p);
      double q = p - 0.5;
      double r = q * q;
      return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
  }
}
