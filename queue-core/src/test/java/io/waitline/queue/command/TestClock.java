package io.waitline.queue.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tests' one clock (shared through this module's test-jar): it moves when a test moves it, and optionally by a
 * fixed tick at every reading, or with real time as well.
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> base;
  private final Duration tick;
  private final boolean realTime;
  private final long startNanos = System.nanoTime();

  /** A clock that stands still until a test moves it. */
  public TestClock(Instant start) {
    this(start, Duration.ZERO, false);
  }

  /** A clock that moves forward by {@code tick} at every reading, so each reading is later than the one before. */
  public TestClock(Instant start, Duration tick) {
    this(start, tick, false);
  }

  private TestClock(Instant start, Duration tick, boolean realTime) {
    this.base = new AtomicReference<>(start);
    this.tick = tick;
    this.realTime = realTime;
  }

  /** A clock that also ticks with real time from {@code start}, so that leases, backoffs and timers can elapse. */
  public static TestClock running(Instant start) {
    return new TestClock(start, Duration.ZERO, true);
  }

  public void advance(Duration d) {
    base.updateAndGet(t -> t.plus(d));
  }

  /** Reads {@code t} now (a running clock goes on from there). */
  public void set(Instant t) {
    base.set(realTime ? t.minusNanos(System.nanoTime() - startNanos) : t);
  }

  @Override
  public Instant instant() {
    Instant read = base.getAndUpdate(t -> t.plus(tick));
    return realTime ? read.plusNanos(System.nanoTime() - startNanos) : read;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC");
  }
}
