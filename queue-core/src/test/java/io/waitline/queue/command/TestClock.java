package io.waitline.queue.command;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when a test moves it, or by a fixed tick each time it is read. */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;
  private final Duration tick;

  public TestClock(Instant start) {
    this(start, Duration.ZERO);
  }

  /** A clock that moves forward by {@code tick} at every reading, so each reading is later than the one before. */
  public TestClock(Instant start, Duration tick) {
    this.now = new AtomicReference<>(start);
    this.tick = tick;
  }

  public void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  public void set(Instant t) {
    now.set(t);
  }

  @Override
  public Instant instant() {
    return now.getAndUpdate(t -> t.plus(tick));
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
