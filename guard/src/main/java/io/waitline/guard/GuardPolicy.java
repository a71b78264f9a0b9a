package io.waitline.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * How calls to one outside dependency are protected: a count-based circuit breaker and retries with jittered
 * exponential backoff, each call with a time limit. Implemented by each module's settings record (a notification
 * channel's, an appointment source's), which add what only they need.
 */
public interface GuardPolicy {
  /** The breaker opens when this share of recent calls failed. */
  int failureRatePercent();

  /** How many recent calls the breaker looks at. */
  int slidingWindow();

  /** Calls needed before the breaker may open. */
  int minimumCalls();

  /** How long the breaker stays open before letting trial calls through. */
  Duration openFor();

  /** Trial calls in the half-open state. */
  int halfOpenCalls();

  /** Attempts per call (1: no retry). */
  int maxAttempts();

  /** The first retry's delay; doubles each time, randomised by {@link #jitter()} (0.5 = ±50 %). */
  Duration backoff();

  double jitter();

  /** How long one attempt may take. */
  Duration timeout();

  /**
   * The breaker, its open period measured on {@code clock}; failures of the {@code ignored} classes are answers
   * about one request, not the dependency's faults, and neither count nor open it.
   */
  @SuppressWarnings("unchecked")
  default CircuitBreaker breaker(String name, Clock clock, Class<? extends Throwable>... ignored) {
    return new CircuitBreakerStateMachine(name, CircuitBreakerConfig.custom()
        .failureRateThreshold(failureRatePercent())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(slidingWindow())
        .minimumNumberOfCalls(minimumCalls())
        .waitDurationInOpenState(openFor())
        .permittedNumberOfCallsInHalfOpenState(halfOpenCalls())
        .ignoreExceptions(ignored)
        .build(), clock);
  }

  /** The retry: only failures {@code retryOn} accepts are tried again; the last failure is the call's. */
  default Retry retry(String name, Predicate<Throwable> retryOn) {
    return Retry.of(name, RetryConfig.custom()
        .maxAttempts(Math.max(1, maxAttempts()))
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(backoff(), 2.0, jitter()))
        .retryOnException(retryOn)
        .failAfterMaxAttempts(false)
        .build());
  }
}
