package io.waitline.queue;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting, in tests, for what other threads, nodes or processes do: a condition until a deadline, a result. */
public final class Waits {
  private Waits() {}

  /** Polls {@code condition} every 20 ms until it holds; fails naming {@code what} after {@code ms}. */
  public static void until(BooleanSupplier condition, long ms, String what) {
    if (!within(condition, ms)) throw new AssertionError("not within " + ms + " ms: " + what);
  }

  /** Whether {@code condition} held within {@code ms}, polled every 20 ms. */
  public static boolean within(BooleanSupplier condition, long ms) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return true;
  }

  /** The future's result, within 30 s. */
  public static <T> T result(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }
}
