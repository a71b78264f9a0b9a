package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void percentilesAreNearestRankSamplesWhateverTheOrderOfArrival() {
    LatencyStats s = new LatencyStats();
    for (int ms = 100; ms >= 1; ms--) s.add(ms * 1_000_000L); // 1..100 ms, added backwards
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.percentile(50)).isEqualTo(50_000_000L);
    assertThat(s.percentile(90)).isEqualTo(90_000_000L);
    assertThat(s.percentile(99)).isEqualTo(99_000_000L);
    assertThat(s.max()).isEqualTo(100_000_000L);
  }

  @Test
  void aSmallSampleReportsItsWorstAsTheHighPercentiles() {
    LatencyStats s = new LatencyStats();
    s.add(3_000_000L);
    s.add(1_000_000L);
    s.add(2_000_000L);
    assertThat(s.percentile(50)).isEqualTo(2_000_000L);
    assertThat(s.percentile(90)).isEqualTo(3_000_000L);
    assertThat(s.percentile(99)).isEqualTo(3_000_000L);
  }

  @Test
  void growsPastItsInitialCapacityWithoutLosingSamples() {
    LatencyStats s = new LatencyStats();
    for (int i = 1; i <= 1000; i++) s.add(i);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.percentile(0.1)).isEqualTo(1);
    assertThat(s.max()).isEqualTo(1000);
  }

  @Test
  void addAllMergesAnotherThreadsSamplesIntoTheTotal() {
    LatencyStats desk1 = new LatencyStats();
    LatencyStats desk2 = new LatencyStats();
    for (int i = 1; i <= 300; i++) desk1.add(i);
    desk2.add(1000);
    LatencyStats total = new LatencyStats();
    total.addAll(desk1);
    total.addAll(desk2);
    assertThat(total.count()).isEqualTo(301);
    assertThat(total.max()).isEqualTo(1000);
    assertThat(total.percentile(50)).isEqualTo(151);
  }

  @Test
  void jsonIsInMillisecondsAndEmptyStatsSayOnlyTheCount() {
    LatencyStats s = new LatencyStats();
    assertThat(s.toJson().encode()).isEqualTo("{\"count\":0}");
    assertThat(s.percentile(50)).isEqualTo(-1);
    s.add(12_345_678L);
    assertThat(s.toJson().getDouble("p50")).isEqualTo(12.3);
    assertThat(s.toJson().getDouble("max")).isEqualTo(12.3);
  }

  @Test
  void refusesNegativeLatenciesAndPercentilesOutsideTheRange() {
    LatencyStats s = new LatencyStats();
    assertThatThrownBy(() -> s.add(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.percentile(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
