package io.waitline.sync.source;

import io.waitline.guard.GuardPolicy;
import java.time.Duration;

/**
 * How each source is protected: its own circuit breaker, retry with jittered exponential backoff, and a time limit
 * per call. Production defaults below; tests use short ones.
 */
public record SourceResilience(int failureRatePercent, int slidingWindow, int minimumCalls, Duration openFor,
    int halfOpenCalls, int maxAttempts, Duration backoff, double jitter, Duration timeout) implements GuardPolicy {

  public static SourceResilience defaults() {
    return new SourceResilience(50, 10, 4, Duration.ofSeconds(60), 2, 3, Duration.ofMillis(500), 0.5,
        Duration.ofSeconds(20));
  }
}
