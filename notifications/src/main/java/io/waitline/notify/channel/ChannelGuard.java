package io.waitline.notify.channel;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.waitline.guard.Attempts;
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
    this.breaker = r.breaker(name, clock, ChannelException.Rejected.class,
        ChannelException.RecipientUnavailable.class);
    this.retry = r.retry(name, e -> e instanceof ChannelException.Transient
        && !(e instanceof ChannelException.NotPermitted) && !(e.getCause() instanceof TimeoutException));
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
    return Attempts.retried(vertx, retry, () -> attempt(call));
  }

  private <T> Future<T> attempt(Supplier<Future<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      return Future.failedFuture(
          new ChannelException.NotPermitted("the " + breaker.getName() + " circuit breaker is open", null));
    }
    long waitNanos = rateLimiter.reservePermission();
    if (waitNanos < 0) {
      breaker.releasePermission();
      return Future.failedFuture(
          new ChannelException.NotPermitted("the " + breaker.getName() + " rate limit is reached", null));
    }
    if (waitNanos == 0) return invoke(call);
    Promise<T> invoked = Promise.promise();
    vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), id -> invoke(call).onComplete(invoked));
    return invoked.future();
  }

  private <T> Future<T> invoke(Supplier<Future<T>> call) {
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      return Future.failedFuture(
          new ChannelException.NotPermitted("too many " + breaker.getName() + " calls at once", null));
    }
    return Attempts.timed(vertx, breaker, timeoutMillis + BACKSTOP_MILLIS, () -> new ChannelException.Unknown(
            "no answer from " + breaker.getName() + " within " + timeoutMillis + " ms", new TimeoutException()),
        call, e -> e instanceof ChannelException ? e : new ChannelException.Unknown("unexpected failure: " + e, e))
        .andThen(ar -> {
          bulkhead.onComplete();
          if (ar.succeeded()) timeLimiter.onSuccess();
          else if (ar.cause().getCause() instanceof TimeoutException) timeLimiter.onError(ar.cause().getCause());
        });
  }
}
