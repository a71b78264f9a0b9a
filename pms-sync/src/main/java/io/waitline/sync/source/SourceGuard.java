package io.waitline.sync.source;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.waitline.guard.Attempts;
import java.time.Clock;
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
    this.breaker = r.breaker(name, clock);
    this.retry = r.retry(name, e -> e instanceof SourceFailure f && f.isTransient());
    this.timeoutMillis = r.timeout().toMillis();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Runs {@code call} with breaker, retries and the time limit. */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    return Attempts.retried(vertx, retry, () -> {
      if (!breaker.tryAcquirePermission()) {
        return Future.failedFuture(SourceFailure.paused());
      }
      return Attempts.timed(vertx, breaker, timeoutMillis, () -> new SourceFailure(
          "The source did not answer within " + timeoutMillis / 1000.0 + " seconds.", true, null), call, e -> e);
    });
  }
}
