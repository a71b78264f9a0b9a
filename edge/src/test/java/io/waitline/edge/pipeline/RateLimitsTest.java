package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Token buckets with a clock the test moves: the budget, the refill, the wait it announces and bounded memory. */
class RateLimitsTest {
  private final SteppedClock clock = new SteppedClock();

  @Test
  void tenAttemptsAMinutePassAndTheEleventhIsToldHowLongToWait() {
    RateLimits limits = new RateLimits(clock, 1000);

    for (int i = 0; i < 10; i++) assertThat(limits.take("sign-in|10.0.0.1", 10)).as("attempt %d", i + 1).isZero();

    // one token comes back every 6 s
    assertThat(limits.take("sign-in|10.0.0.1", 10)).isEqualTo(6_000);
    clock.advance(Duration.ofSeconds(2));
    assertThat(limits.take("sign-in|10.0.0.1", 10)).isEqualTo(4_000);
  }

  @Test
  void theBucketRefillsEvenlyOverTheMinute() {
    RateLimits limits = new RateLimits(clock, 1000);
    for (int i = 0; i < 10; i++) limits.take("k", 10);

    clock.advance(Duration.ofSeconds(6));
    assertThat(limits.take("k", 10)).isZero();
    assertThat(limits.take("k", 10)).isPositive();

    clock.advance(Duration.ofMinutes(5)); // never more than a full bucket
    for (int i = 0; i < 10; i++) assertThat(limits.take("k", 10)).isZero();
    assertThat(limits.take("k", 10)).isPositive();
  }

  @Test
  void oneAddressUsingItsBudgetLeavesOthersAlone() {
    RateLimits limits = new RateLimits(clock, 1000);
    for (int i = 0; i < 11; i++) limits.take("sign-in|10.0.0.1", 10);

    assertThat(limits.take("sign-in|10.0.0.1", 10)).isPositive();
    assertThat(limits.take("sign-in|10.0.0.2", 10)).isZero();
    assertThat(limits.take("pairing|10.0.0.1", 10)).isZero();
  }

  @Test
  void bucketsIdleForAMinuteAreForgotten() {
    RateLimits limits = new RateLimits(clock, 1000);
    for (int i = 0; i < 200; i++) limits.take("visit|10.0.1." + i, 60);
    assertThat(limits.size()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(61));
    limits.take("visit|10.0.2.1", 60);

    assertThat(limits.size()).isEqualTo(1);
  }

  @Test
  void manyAddressesAtOnceStayWithinTheCap() {
    RateLimits limits = new RateLimits(clock, 100);

    for (int i = 0; i < 10_000; i++) limits.take("visit|addr-" + i, 60);

    assertThat(limits.size()).isEqualTo(100);
    // the most recent ones are the ones kept
    for (int i = 0; i < 59; i++) limits.take("visit|addr-9999", 60);
    assertThat(limits.take("visit|addr-9999", 60)).isPositive();
  }

  /** A clock that moves only when told. */
  private static final class SteppedClock extends Clock {
    private volatile Instant now = Instant.parse("2026-05-01T09:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
