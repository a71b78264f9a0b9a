package io.waitline.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class WaitEstimateTest {
  private static final Pattern RANGE = Pattern.compile("(\\d+)–(\\d+) min");

  @Example
  void aRangeReachesAsFarBelowP50AsP90IsAboveItOnFiveMinuteSteps() {
    assertThat(new WaitEstimate(17, 23, true).displayRange()).isEqualTo("10–25 min");
    assertThat(new WaitEstimate(10, 10, true).displayRange()).isEqualTo("10–15 min");
    assertThat(new WaitEstimate(5, 5, false).displayRange()).isEqualTo("5–10 min");
    assertThat(new WaitEstimate(4, 6, false).displayRange()).isEqualTo("0–10 min");
    assertThat(new WaitEstimate(30, 70, true).displayRange()).isEqualTo("0–70 min");
  }

  @Example
  void aVeryShortWaitIsUnderFiveMinutes() {
    assertThat(new WaitEstimate(0, 0, true).displayRange()).isEqualTo("under 5 min");
    assertThat(new WaitEstimate(2, 4, true).displayRange()).isEqualTo("under 5 min");
  }

  @Example
  void theCapItselfIsStillShownAsARange() {
    assertThat(new WaitEstimate(118, WaitEstimate.DISPLAY_CAP_MINUTES, true).displayRange())
        .isEqualTo("115–120 min");
  }

  @Example
  void aboveTheCapPatientsAreToldWeWillTextThem() {
    assertThat(new WaitEstimate(100, WaitEstimate.DISPLAY_CAP_MINUTES + 1, true).displayRange())
        .isEqualTo("over 2 h");
  }

  @Example
  void anInvertedOrNegativeEstimateIsRefused() {
    assertThatThrownBy(() -> new WaitEstimate(20, 10, true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WaitEstimate(-1, 10, true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void theDisplayedRangeAlwaysContainsTheEstimateOnFiveMinuteSteps(
      @ForAll @IntRange(max = WaitEstimate.DISPLAY_CAP_MINUTES) int p50,
      @ForAll @IntRange(max = WaitEstimate.DISPLAY_CAP_MINUTES) int p90) {
    Assume.that(p50 <= p90);
    String shown = new WaitEstimate(p50, p90, true).displayRange();

    if (p50 < 5 && p90 <= 5) {
      assertThat(shown).isEqualTo("under 5 min");
      return;
    }
    Matcher m = RANGE.matcher(shown);
    assertThat(m.matches()).as(shown).isTrue();
    int low = Integer.parseInt(m.group(1));
    int high = Integer.parseInt(m.group(2));
    assertThat(low % 5).isZero();
    assertThat(high % 5).isZero();
    assertThat(low).isLessThanOrEqualTo(Math.max(0, 2 * p50 - p90)).isGreaterThan(2 * p50 - p90 - 5);
    assertThat(high).isGreaterThanOrEqualTo(p90).isGreaterThan(low);
  }

  @Property
  void everythingAboveTheCapShowsTheSameTextAndNoNumberOfMinutes(
      @ForAll @IntRange(max = 10_000) int p50, @ForAll @IntRange(min = 121, max = 10_000) int p90) {
    Assume.that(p50 <= p90);

    assertThat(new WaitEstimate(p50, p90, true).displayRange()).isEqualTo("over 2 h");
  }
}
