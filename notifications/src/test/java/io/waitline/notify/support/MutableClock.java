package io.waitline.notify.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand; it also ticks with real time so that leases and backoffs can elapse. */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> base;
  private final long startNanos = System.nanoTime();
  private final boolean ticking;

  public MutableClock(Instant start, boolean ticking) {
    this.base = new AtomicReference<>(start);
    this.ticking = ticking;
  }

  public void advance(Duration d) {
    base.updateAndGet(t -> t.plus(d));
  }

  public void set(Instant t) {
    base.set(ticking ? t.minusNanos(System.nanoTime() - startNanos) : t);
  }

  @Override
  public Instant instant() {
    Instant b = base.get();
    return ticking ? b.plusNanos(System.nanoTime() - startNanos) : b;
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
