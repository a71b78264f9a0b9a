package io.waitline.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The two halves of a guarded call, waiting on Vert.x timers so that no thread ever blocks: {@link #retried} tries
 * again as a resilience4j {@link Retry} decides, {@link #timed} runs one attempt under a breaker with a time limit.
 */
public final class Attempts {
  private Attempts() {}

  /**
   * Starts {@code attempt}, and again after the retry's backoff each time it fails in a way the retry accepts, until
   * one succeeds or the retry gives up; the result is the last attempt's.
   */
  public static <T> Future<T> retried(Vertx vertx, Retry retry, Supplier<Future<T>> attempt) {
    Promise<T> result = Promise.promise();
    next(vertx, retry.asyncContext(), attempt, result);
    return result.future();
  }

  private static <T> void next(Vertx vertx, Retry.AsyncContext<T> ctx, Supplier<Future<T>> attempt,
      Promise<T> result) {
    started(attempt).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.onComplete();
        result.complete(ar.result());
        return;
      }
      long delay = ctx.onError(ar.cause());
      if (delay < 0) result.fail(ar.cause());
      else vertx.setTimer(Math.max(1, delay), id -> next(vertx, ctx, attempt, result));
    });
  }

  /**
   * Runs {@code call} once, the breaker's permission already taken: fails with {@code late}'s failure when no
   * answer came within {@code limitMillis} (the call's own later answer is then ignored), and records on the breaker
   * how long it took and how it ended. {@code classify} turns a failure into the one the breaker and caller see.
   */
  public static <T> Future<T> timed(Vertx vertx, CircuitBreaker breaker, long limitMillis, Supplier<Throwable> late,
      Supplier<Future<T>> call, UnaryOperator<Throwable> classify) {
    long start = System.nanoTime();
    Promise<T> one = Promise.promise();
    long timer = vertx.setTimer(limitMillis, id -> one.tryFail(late.get()));
    started(call).onComplete(one::tryComplete, one::tryFail);
    return one.future().transform(ar -> {
      vertx.cancelTimer(timer);
      long took = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        return Future.succeededFuture(ar.result());
      }
      Throwable err = classify.apply(ar.cause());
      breaker.onError(took, TimeUnit.NANOSECONDS, err);
      return Future.failedFuture(err);
    });
  }

  /** The call's future; a call that throws instead of failing its future fails the same way. */
  private static <T> Future<T> started(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
