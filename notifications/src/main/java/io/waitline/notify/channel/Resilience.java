package io.waitline.notify.channel;

import io.waitline.guard.GuardPolicy;
import java.time.Duration;

/**
 * How one channel is protected. Production defaults are below; tests use short windows.
 *
 * @param failureRatePercent the breaker opens when this share of recent calls failed
 * @param slidingWindow how many recent calls the breaker looks at
 * @param minimumCalls calls needed before the breaker may open
 * @param openFor how long the breaker stays open before letting trial calls through
 * @param halfOpenCalls trial calls in half-open state
 * @param maxAttempts attempts per message on this channel (1 = no retry)
 * @param backoff first retry delay; doubles each time, with {@code jitter} randomisation (0.5 = ±50%)
 * @param timeout a call without answer after this is "unknown"
 * @param maxConcurrent the bulkhead: concurrent calls to the provider
 * @param ratePerSecond the provider's rate limit
 * @param rateWait how long to wait for the rate limiter before giving the message to the next channel
 */
public record Resilience(int failureRatePercent, int slidingWindow, int minimumCalls, Duration openFor,
    int halfOpenCalls, int maxAttempts, Duration backoff, double jitter, Duration timeout, int maxConcurrent,
    int ratePerSecond, Duration rateWait) implements GuardPolicy {

  public static Resilience defaults() {
    return new Resilience(50, 20, 10, Duration.ofSeconds(30), 3, 3, Duration.ofMillis(300), 0.5,
        Duration.ofSeconds(10), 10, 20, Duration.ofSeconds(2));
  }

  public Resilience withTimeout(Duration t) {
    return new Resilience(failureRatePercent, slidingWindow, minimumCalls, openFor, halfOpenCalls, maxAttempts,
        backoff, jitter, t, maxConcurrent, ratePerSecond, rateWait);
  }

  public Resilience withRate(int perSecond) {
    return new Resilience(failureRatePercent, slidingWindow, minimumCalls, openFor, halfOpenCalls, maxAttempts,
        backoff, jitter, timeout, maxConcurrent, perSecond, rateWait);
  }
}
