package io.waitline.pay.processor;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs blocking processor calls on a worker pool of their own, behind a resilience4j circuit breaker and bulkhead,
 * with a time limit. Nothing is retried here: a call that did not answer in time is {@link ProcessorException.Unknown},
 * and the payment flow finds out what happened by retrieving. Declines and refusals are answers, not faults: they
 * never open the breaker.
 */
public final class ProcessorGuard {
  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final CircuitBreaker breaker;
  private final Bulkhead bulkhead;
  private final long timeLimitMillis;

  /**
   * @param timeLimit longer than the SDK's own read timeout: the SDK normally gives up first, with its own error
   */
  public ProcessorGuard(Vertx vertx, String name, int threads, Duration timeLimit, Duration openFor) {
    this.vertx = vertx;
    this.workers = vertx.createSharedWorkerExecutor("payments-" + name, threads, timeLimit.toMillis() * 2,
        TimeUnit.MILLISECONDS);
    this.breaker = CircuitBreaker.of("payments-" + name, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10)
        .minimumNumberOfCalls(5)
        .failureRateThreshold(50)
        .waitDurationInOpenState(openFor)
        .permittedNumberOfCallsInHalfOpenState(1)
        .ignoreExceptions(ProcessorException.Declined.class, ProcessorException.Refused.class)
        .build());
    this.bulkhead = Bulkhead.of("payments-" + name, BulkheadConfig.custom().maxConcurrentCalls(threads)
        .maxWaitDuration(Duration.ZERO).build());
    this.timeLimitMillis = timeLimit.toMillis();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Runs {@code call} on a worker; completes on the caller's context. */
  public <T> Future<T> call(Callable<T> call) {
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(new ProcessorException.Refused(
          "Card payments are unavailable for a moment; please try again shortly or pay at the desk.", null));
    }
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      return Future.failedFuture(new ProcessorException.Refused(
          "The card processor is busy; please try again in a moment.", null));
    }
    long start = System.nanoTime();
    Promise<T> result = Promise.promise();
    long timer = vertx.setTimer(timeLimitMillis, id -> result.tryFail(new ProcessorException.Unknown(
        "no answer from the processor within " + timeLimitMillis + " ms", null)));
    workers.executeBlocking(call, false).onComplete(ar -> {
      if (ar.succeeded()) result.tryComplete(ar.result());
      else result.tryFail(ar.cause() instanceof ProcessorException ? ar.cause()
          : new ProcessorException.Unknown("unexpected failure: " + ar.cause(), ar.cause()));
    });
    return result.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      bulkhead.onComplete();
      long took = System.nanoTime() - start;
      if (ar.succeeded()) breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      else breaker.onError(took, TimeUnit.NANOSECONDS, ar.cause());
    });
  }

  public Future<Void> close() {
    return workers.close();
  }
}
