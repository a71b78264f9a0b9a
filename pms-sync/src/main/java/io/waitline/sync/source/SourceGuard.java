package io.waitline.sync.source;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One source's protection: a resilience4j circuit breaker, retry with jittered exponential backoff (transient
 * failures only) and a time limit per call. Waiting uses Vert.x timers, so a guarded call never blocks a thread; the
 * breaker's open period follows the given clock.
 */
public final class SourceGuard {
  private final Vertx vertx;
  private final CircuitBreaker breaker;
  private final Retry retry;
  private final long timeoutMillis;

  public SourceGuard(Vertx vertx, String name, SourceResilience r, Clock clock) {
    this.vertx = vertx;
    this.breaker = new CircuitBreakerStateMachine(name, CircuitBreakerConfig.custom()
        .failureRateThreshold(r.failureRatePercent())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(r.slidingWindow())
        .minimumNumberOfCalls(r.minimumCalls())
        .waitDurationInOpenState(r.openFor())
        .permittedNumberOfCallsInHalfOpenState(r.halfOpenCalls())
        .build(), clock);
    this.retry = Retry.of(name, RetryConfig.custom()
        .maxAttempts(Math.max(1, r.maxAttempts()))
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(r.backoff(), 2.0, r.jitter()))
        .retryOnException(e -> e instanceof SourceFailure f && f.isTransient())
        .failAfterMaxAttempts(false)
        .build());
    this.timeoutMillis = r.timeout().toMillis();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Runs {@code call} with breaker, retries and the time limit. */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    attempt(call, retry.asyncContext(), result);
    return result.future();
  }

  private <T> void attempt(Supplier<Future<T>> call, Retry.AsyncContext<T> ctx, Promise<T> result) {
    if (!breaker.tryAcquirePermission()) {
      result.fail(new SourceFailure("The source failed repeatedly, so Waitline pauses calling it for a while"
          + " (circuit breaker open).", false, null));
      return;
    }
    long start = System.nanoTime();
    Promise<T> one = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis, id -> one.tryFail(new SourceFailure(
        "The source did not answer within " + timeoutMillis / 1000.0 + " seconds.", true, null)));
    Future<T> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    started.onComplete(one::tryComplete, one::tryFail);
    one.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      long took = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        ctx.onComplete();
        result.complete(ar.result());
        return;
      }
      Throwable err = ar.cause();
      breaker.onError(took, TimeUnit.NANOSECONDS, err);
      long delay = ctx.onError(err);
      if (delay < 0) result.fail(err);
      else vertx.setTimer(Math.max(1, delay), id -> attempt(call, ctx, result));
    });
  }
}
