package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  private final TestClock clock = new TestClock(T0);
  private final CredentialCache cache = new CredentialCache(clock);
  private final AtomicInteger loads = new AtomicInteger();

  private Supplier<Future<Optional<String>>> found(String value) {
    return () -> {
      loads.incrementAndGet();
      return Future.succeededFuture(Optional.of(value));
    };
  }

  private Optional<String> lookup(String token, Supplier<Future<Optional<String>>> load, Instant validUntil) {
    return cache.lookup(token, load, v -> validUntil).result();
  }

  @Test
  void aTokenUsedAgainWithinTheTtlIsReadOnce() {
    lookup("wls_a", found("ann"), null);
    clock.set(T0.plus(CredentialCache.TTL).minusMillis(1));
    assertThat(lookup("wls_a", found("changed"), null)).contains("ann");
    assertThat(loads).hasValue(1);
  }

  @Test
  void aTokenIsReadAgainOnceTheTtlHasPassedOnTheNodesClock() {
    lookup("wls_a", found("ann"), null);
    clock.set(T0.plus(CredentialCache.TTL));
    assertThat(lookup("wls_a", found("ann again"), null)).contains("ann again");
    assertThat(loads).hasValue(2);
  }

  @Test
  void aClockMovedBackDoesNotStretchTheTrust() {
    lookup("wls_a", found("ann"), null);
    clock.set(T0.minusSeconds(3600));
    lookup("wls_a", found("ann"), null);
    assertThat(loads).hasValue(2);
  }

  @Test
  void aCredentialIsNotUsedPastItsOwnEnd() {
    lookup("wls_a", found("ann"), T0.plusMillis(500));
    clock.set(T0.plusMillis(500));
    lookup("wls_a", found("ann"), T0.plusMillis(500));
    assertThat(loads).hasValue(2);
  }

  @Test
  void anUnknownTokenIsLookedUpEveryTime() {
    Supplier<Future<Optional<String>>> none = () -> {
      loads.incrementAndGet();
      return Future.succeededFuture(Optional.empty());
    };
    assertThat(lookup("wls_x", none, null)).isEmpty();
    assertThat(lookup("wls_x", none, null)).isEmpty();
    assertThat(loads).hasValue(2);
  }

  @Test
  void forgettingMakesTheNextUseReadTheDatabase() {
    lookup("wls_a", found("ann"), null);
    cache.forgetAll();
    assertThat(lookup("wls_a", found("signed out"), null)).contains("signed out");
    assertThat(loads).hasValue(2);
  }

  @Test
  void aLookupUnderWayWhenCredentialsEndDoesNotKeepItsStaleAnswer() {
    Promise<Optional<String>> slow = Promise.promise();
    Future<Optional<String>> first = cache.lookup("wls_a", () -> slow.future(), v -> null);
    cache.forgetAll(); // e.g. the session is signed out while the read above is in flight
    slow.complete(Optional.of("read before the sign-out"));
    assertThat(first.result()).contains("read before the sign-out");

    assertThat(lookup("wls_a", found("read after"), null)).contains("read after");
    assertThat(loads).hasValue(1);
  }
}
