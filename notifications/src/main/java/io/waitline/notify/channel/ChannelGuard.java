package io.waitline.notify.channel;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Resilience4j around one channel: circuit breaker, retry with exponential backoff and jitter, time limiter,
 * bulkhead and rate limiter. The primitives come from resilience4j (state, configuration, events, metrics); the
 * waiting is done with Vert.x timers, so a guarded call never blocks and completes on the caller's context.
 *
 * <p>Only {@link ChannelException.Transient} failures are retried, and not time-outs: a provider that stayed silent
 * for the whole time limit is not waited for again, the message goes on to the next channel. Answers about one
 * recipient ({@link ChannelException.Rejected}, {@link ChannelException.RecipientUnavailable}) are not the
 * provider's failures: the breaker ignores them.
 *
 * <p>Channels keep their own deadline of the time limit (SDK timeouts, the SMTP transaction's deadline), so they can
 * tell what became of the call; the guard's own timer fires a little later, a backstop for a call that never ends,
 * which is then {@link ChannelException.Unknown}. While the breaker is open the channel is probed (when it can be,
 * see {@link NotificationChannel#probe}); the first answer lets trial calls through at once.
 */
public final class ChannelGuard {
  /** How much later than the time limit the guard gives up on a call that its channel did not end. */
  private static final long BACKSTOP_MILLIS = 250;

  private final Vertx vertx;
  private final CircuitBreaker breaker;
  private final Retry retry;
  private final TimeLimiter timeLimiter;
  private final Bulkhead bulkhead;
  private final RateLimiter rateLimiter;
  private final long timeoutMillis;
  private final Supplier<Future<Void>> probe;
  private final long probeMillis;
  private final AtomicBoolean probing = new AtomicBoolean();

  /**
   * @param probe asks the provider whether it answers again (e.g. an SMTP greeting), without sending anything; null
   *     when the channel cannot be probed (an open breaker then lets trial calls through after
   *     {@link Resilience#openFor()})
   * @param clock what the breaker's open time is measured on
   */
  public ChannelGuard(Vertx vertx, String name, Resilience r, Supplier<Future<Void>> probe, Clock clock) {
    this.vertx = vertx;
    this.probe = probe;
    this.probeMillis = Math.max(50, Math.min(1000, r.openFor().toMillis() / 10));
    this.breaker = new CircuitBreakerStateMachine(name, CircuitBreakerConfig.custom()
        .failureRateThreshold(r.failureRatePercent())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(r.slidingWindow())
        .minimumNumberOfCalls(r.minimumCalls())
        .waitDurationInOpenState(r.openFor())
        .permittedNumberOfCallsInHalfOpenState(r.halfOpenCalls())
        .ignoreExceptions(ChannelException.Rejected.class, ChannelException.RecipientUnavailable.class)
        .build(), clock);
    this.retry = Retry.of(name, RetryConfig.custom()
        .maxAttempts(Math.max(1, r.maxAttempts()))
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(r.backoff(), 2.0, r.jitter()))
        .retryOnException(e -> e instanceof ChannelException.Transient
            && !(e instanceof ChannelException.NotPermitted) && !(e.getCause() instanceof TimeoutException))
        .failAfterMaxAttempts(false)
        .build());
    this.timeLimiter = TimeLimiter.of(name, TimeLimiterConfig.custom().timeoutDuration(r.timeout()).build());
    this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom().maxConcurrentCalls(r.maxConcurrent())
        .maxWaitDuration(Duration.ZERO).build());
    this.rateLimiter = RateLimiter.of(name, RateLimiterConfig.custom().limitForPeriod(r.ratePerSecond())
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(r.rateWait()).build());
    this.timeoutMillis = r.timeout().toMillis();
    if (probe != null) {
      breaker.getEventPublisher().onStateTransition(e -> {
        if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) vertx.runOnContext(v -> probeLater());
      });
    }
  }

  /** While the breaker is open: probe the provider, and let trial calls through as soon as it answers. */
  private void probeLater() {
    if (probing.compareAndSet(false, true)) probeAfterPause();
  }

  private void probeAfterPause() {
    vertx.setTimer(probeMillis, id -> {
      if (breaker.getState() != CircuitBreaker.State.OPEN) {
        probing.set(false);
        return;
      }
      Future<Void> answer;
      try {
        answer = probe.get();
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> {
        if (ar.failed() && breaker.getState() == CircuitBreaker.State.OPEN) {
          probeAfterPause();
          return;
        }
        probing.set(false);
        if (ar.succeeded() && breaker.getState() == CircuitBreaker.State.OPEN) {
          try {
            breaker.transitionToHalfOpenState();
          } catch (IllegalStateException raced) {
            // another call moved the breaker on meanwhile: nothing to do
          }
        }
      });
    });
  }

  /** The longest one guarded call can take: every attempt waiting out its time limit and the backstop. */
  public Duration longestCall() {
    return Duration.ofMillis(timeoutMillis + BACKSTOP_MILLIS).multipliedBy(retry.getRetryConfig().getMaxAttempts());
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public Retry retry() {
    return retry;
  }

  public Bulkhead bulkhead() {
    return bulkhead;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public TimeLimiter timeLimiter() {
    return timeLimiter;
  }

  /** Runs {@code call} under every protection; see the class comment for which failures are retried. */
  public <T> Future<T> call(Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    attempt(call, retry.asyncContext(), result);
    return result.future();
  }

  private <T> void attempt(Supplier<Future<T>> call, Retry.AsyncContext<T> ctx, Promise<T> result) {
    if (!breaker.tryAcquirePermission()) {
      result.fail(new ChannelException.NotPermitted("the " + breaker.getName() + " circuit breaker is open", null));
      return;
    }
    long waitNanos = rateLimiter.reservePermission();
    if (waitNanos < 0) {
      breaker.releasePermission();
      result.fail(new ChannelException.NotPermitted("the " + breaker.getName() + " rate limit is reached", null));
      return;
    }
    if (waitNanos > 0) {
      vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), id -> invoke(call, ctx, result));
    } else {
      invoke(call, ctx, result);
    }
  }

  private <T> void invoke(Supplier<Future<T>> call, Retry.AsyncContext<T> ctx, Promise<T> result) {
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      result.fail(new ChannelException.NotPermitted("too many " + breaker.getName() + " calls at once", null));
      return;
    }
    long start = System.nanoTime();
    Promise<T> one = Promise.promise();
    long timer = vertx.setTimer(timeoutMillis + BACKSTOP_MILLIS, id -> one.tryFail(new ChannelException.Unknown(
        "no answer from " + breaker.getName() + " within " + timeoutMillis + " ms",
        new TimeoutException())));
    Future<T> started;
    try {
      started = call.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    started.onComplete(ar -> {
      if (ar.succeeded()) one.tryComplete(ar.result());
      else one.tryFail(ar.cause());
    });
    one.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      bulkhead.onComplete();
      long took = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        timeLimiter.onSuccess();
        ctx.onComplete();
        result.complete(ar.result());
        return;
      }
      Throwable err = ar.cause() instanceof ChannelException ? ar.cause()
          : new ChannelException.Unknown("unexpected failure: " + ar.cause(), ar.cause());
      if (err.getCause() instanceof TimeoutException) timeLimiter.onError(err.getCause());
      breaker.onError(took, TimeUnit.NANOSECONDS, err);
      long delay = ctx.onError(err);
      if (delay < 0) {
        result.fail(err);
      } else {
        vertx.setTimer(Math.max(1, delay), id -> attempt(call, ctx, result));
      }
    });
  }
}
