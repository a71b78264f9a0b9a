package io.waitline.sync;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.source.Source;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-source metrics for {@code /metrics}: records by outcome, failed runs, lag since the last successful sync, and
 * the breaker state (0 closed, 1 half-open, 2 open). Tagged by source id and site, never by anything from a record.
 */
final class SyncMetrics {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<UUID, Instant> lastSuccess = new ConcurrentHashMap<>();
  private final Map<UUID, Boolean> registered = new ConcurrentHashMap<>();

  SyncMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** Registers the source's gauges once. */
  void watch(Source source, CircuitBreaker breaker) {
    if (registered.putIfAbsent(source.id(), true) != null) return;
    Gauge.builder("waitline.sync.lag", () -> lagSeconds(source.id()))
        .description("Seconds since the source's last successful sync").baseUnit("seconds")
        .tags("source", source.id().toString(), "site", source.siteId()).register(registry);
    Gauge.builder("waitline.sync.breaker.state", () -> switch (breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
    }).description("Circuit breaker of the source: 0 closed, 1 half-open, 2 open")
        .tags("source", source.id().toString(), "site", source.siteId()).register(registry);
  }

  void record(Source source, Outcome outcome) {
    Counter.builder("waitline.sync.records").description("Source records received, by outcome")
        .tags("source", source.id().toString(), "site", source.siteId(), "outcome", outcome.wire())
        .register(registry).increment();
  }

  void synced(Source source, SyncReport report) {
    lastSuccess.put(source.id(), report.finishedAt());
  }

  void failed(Source source) {
    Counter.builder("waitline.sync.failures").description("Sync runs that failed")
        .tags("source", source.id().toString(), "site", source.siteId()).register(registry).increment();
  }

  private double lagSeconds(UUID sourceId) {
    Instant last = lastSuccess.get(sourceId);
    return last == null ? Double.NaN : Duration.between(last, clock.instant()).toMillis() / 1000.0;
  }
}
