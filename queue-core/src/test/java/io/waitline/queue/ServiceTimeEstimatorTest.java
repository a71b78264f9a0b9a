package io.waitline.queue;

import static io.waitline.queue.Entries.minutesAgo;
import static io.waitline.queue.Entries.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ServiceTimeEstimatorTest {
  private final ServiceTimeEstimator estimator = new ServiceTimeEstimator();

  @Provide
  Arbitrary<ServiceStats> stats() {
    // service times from one second to four hours, with and without enough history
    Arbitrary<List<Integer>> samples = Arbitraries.integers().between(1, 4 * 3600).list().ofMaxSize(50);
    return net.jqwik.api.Combinators.combine(samples, Arbitraries.integers().between(1, 3600))
        .as(ServiceStats::new);
  }

  @Property
  void noStaffOnDutyGivesNoEstimates(@ForAll("stats") ServiceStats stats, @ForAll @IntRange(max = 30) int waiting,
      @ForAll @IntRange(min = -5, max = 0) int staff) {
    assertThat(estimator.estimate(line(waiting), stats, staff)).isEmpty();
  }

  @Property
  void everyWaitingEntryGetsExactlyOneEstimate(@ForAll("stats") ServiceStats stats,
      @ForAll @IntRange(max = 60) int waiting, @ForAll @IntRange(min = 1, max = 20) int staff) {
    List<Entry> line = line(waiting);

    assertThat(estimator.estimate(line, stats, staff).keySet())
        .containsExactlyInAnyOrderElementsOf(line.stream().map(Entry::id).toList());
  }

  @Property
  void p50IsNeverAboveP90AndNeitherIsNegative(@ForAll("stats") ServiceStats stats,
      @ForAll @IntRange(max = 60) int waiting, @ForAll @IntRange(min = 1, max = 20) int staff) {
    for (WaitEstimate w : estimator.estimate(line(waiting), stats, staff).values()) {
      assertThat(w.p50Minutes()).isNotNegative().isLessThanOrEqualTo(w.p90Minutes());
    }
  }

  @Property
  void estimatesNeverDecreaseFurtherBackInTheLine(@ForAll("stats") ServiceStats stats,
      @ForAll @IntRange(max = 60) int waiting, @ForAll @IntRange(min = 1, max = 20) int staff) {
    List<Entry> line = line(waiting);
    Map<UUID, WaitEstimate> estimates = estimator.estimate(line, stats, staff);

    for (int i = 1; i < line.size(); i++) {
      WaitEstimate ahead = estimates.get(line.get(i - 1).id());
      WaitEstimate behind = estimates.get(line.get(i).id());
      assertThat(behind.p50Minutes()).isGreaterThanOrEqualTo(ahead.p50Minutes());
      assertThat(behind.p90Minutes()).isGreaterThanOrEqualTo(ahead.p90Minutes());
    }
  }

  @Property
  void moreStaffNeverMakesAnyoneWaitLonger(@ForAll("stats") ServiceStats stats,
      @ForAll @IntRange(max = 60) int waiting, @ForAll @IntRange(min = 1, max = 20) int staff) {
    List<Entry> line = line(waiting);
    Map<UUID, WaitEstimate> fewer = estimator.estimate(line, stats, staff);
    Map<UUID, WaitEstimate> more = estimator.estimate(line, stats, staff + 1);

    for (Entry e : line) {
      assertThat(more.get(e.id()).p50Minutes()).isLessThanOrEqualTo(fewer.get(e.id()).p50Minutes());
      assertThat(more.get(e.id()).p90Minutes()).isLessThanOrEqualTo(fewer.get(e.id()).p90Minutes());
    }
  }

  @Property
  void estimatesDependOnlyOnThePositionNotOnWhoIsThere(@ForAll("stats") ServiceStats stats,
      @ForAll @IntRange(min = 1, max = 30) int waiting, @ForAll @IntRange(min = 1, max = 20) int staff) {
    List<Entry> line = line(waiting);
    List<Entry> reversed = new ArrayList<>(line);
    Collections.reverse(reversed);
    Map<UUID, WaitEstimate> a = estimator.estimate(line, stats, staff);
    Map<UUID, WaitEstimate> b = estimator.estimate(reversed, stats, staff);

    assertThat(b.get(reversed.get(0).id())).isEqualTo(a.get(line.get(0).id()));
  }

  @Property
  void withFewerThanMinSamplesTheDefaultServiceTimeIsUsedAndSaidSo(
      @ForAll @Size(max = ServiceStats.MIN_SAMPLES - 1) List<@IntRange(min = 1, max = 7200) Integer> samples,
      @ForAll @IntRange(min = 1, max = 3600) int defaultSeconds, @ForAll @IntRange(min = 1, max = 30) int waiting,
      @ForAll @IntRange(min = 1, max = 10) int staff) {
    List<Entry> line = line(waiting);
    Map<UUID, WaitEstimate> withFewSamples = estimator.estimate(line, new ServiceStats(samples, defaultSeconds), staff);
    Map<UUID, WaitEstimate> withNone = estimator.estimate(line, new ServiceStats(List.of(), defaultSeconds), staff);

    assertThat(withFewSamples).isEqualTo(withNone);
    assertThat(withFewSamples.values()).allSatisfy(w -> assertThat(w.basedOnHistory()).isFalse());
  }

  @Property
  void withAtLeastMinSamplesEstimatesAreBasedOnHistory(
      @ForAll @Size(min = ServiceStats.MIN_SAMPLES, max = 50) List<@IntRange(min = 1, max = 7200) Integer> samples,
      @ForAll @IntRange(min = 1, max = 30) int waiting, @ForAll @IntRange(min = 1, max = 10) int staff) {
    Map<UUID, WaitEstimate> estimates = estimator.estimate(line(waiting), new ServiceStats(samples, 600), staff);

    assertThat(estimates.values()).allSatisfy(w -> assertThat(w.basedOnHistory()).isTrue());
  }

  @Property
  void serviceStatsAreAlwaysFiniteSoNothingDividesByZero(@ForAll("stats") ServiceStats stats) {
    assertThat(stats.meanSeconds()).isFinite().isPositive();
    assertThat(stats.stdDevSeconds()).isFinite().isNotNegative();
  }

  @Example
  void withoutHistoryTheFirstPatientWaitsAboutOneDefaultServiceTime() {
    // default 10 min, deviation assumed 5 min: P50 10 min, P90 = 600 s + 1.2816 · 300 s = 984.5 s → 17 min
    Map<UUID, WaitEstimate> estimates = estimator.estimate(line(4), new ServiceStats(List.of(), 600), 1);

    List<Entry> line = line(4);
    assertThat(estimates.get(line.get(0).id())).isEqualTo(new WaitEstimate(10, 17, false));
    // fourth: P50 40 min, P90 = 2400 s + 1.2816 · 2 · 300 s = 3169 s → 53 min
    assertThat(estimates.get(line.get(3).id())).isEqualTo(new WaitEstimate(40, 53, false));
  }

  @Example
  void twoStaffHalveTheMedianWait() {
    List<Entry> line = line(4);
    ServiceStats stats = new ServiceStats(List.of(), 600);

    assertThat(estimator.estimate(line, stats, 2).get(line.get(3).id()).p50Minutes()).isEqualTo(20);
  }

  @Example
  void identicalRecordedServiceTimesGiveAnExactEstimateWithoutDividingByZero() {
    List<Entry> line = line(3);
    ServiceStats stats = new ServiceStats(Collections.nCopies(ServiceStats.MIN_SAMPLES, 240), 600);

    Map<UUID, WaitEstimate> estimates = estimator.estimate(line, stats, 1);

    assertThat(stats.stdDevSeconds()).isZero();
    assertThat(estimates.get(line.get(0).id())).isEqualTo(new WaitEstimate(4, 4, true));
    assertThat(estimates.get(line.get(2).id())).isEqualTo(new WaitEstimate(12, 12, true));
  }

  @Example
  void oneSampleShortOfMinSamplesStillUsesTheDefault() {
    ServiceStats stats = new ServiceStats(Collections.nCopies(ServiceStats.MIN_SAMPLES - 1, 60), 600);

    assertThat(stats.hasHistory()).isFalse();
    assertThat(stats.meanSeconds()).isEqualTo(600.0);
    assertThat(stats.stdDevSeconds()).isEqualTo(300.0);
  }

  @Example
  void aServiceStatsWithoutAPositiveDefaultIsRefused() {
    assertThatThrownBy(() -> new ServiceStats(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Entry> line(int n) {
    List<Entry> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add(waiting(i, minutesAgo(100 - i)));
    return out;
  }
}
