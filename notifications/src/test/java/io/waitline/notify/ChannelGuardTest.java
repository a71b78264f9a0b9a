package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.ChannelGuard;
import io.waitline.notify.channel.Resilience;
import io.waitline.queue.command.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Resilience4j around a channel, on Vert.x timers: what is retried, what opens the breaker, what is limited. */
class ChannelGuardTest {
  private final Vertx vertx = Vertx.vertx();
  /** The breakers' clock: it moves only when a test moves it. */
  private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));

  @AfterEach
  void close() {
    vertx.close();
  }

  private static Resilience settings(int attempts, Duration timeout, int concurrent, int rate) {
    return new Resilience(50, 4, 4, Duration.ofMillis(300), 1, attempts, Duration.ofMillis(10), 0.5, timeout,
        concurrent, rate, Duration.ofMillis(50));
  }

  @Test
  void transientFailuresAreRetriedWithBackoffUntilOneSucceeds() throws Exception {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(3, Duration.ofSeconds(1), 5, 100), null, clock);
    AtomicInteger calls = new AtomicInteger();
    String r = await(g.call(() -> calls.incrementAndGet() < 3
        ? Future.failedFuture(new ChannelException.Transient("503", null)) : Future.succeededFuture("ok")));
    assertThat(r).isEqualTo("ok");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void aTimeoutIsUnknownAndNeverRetried() {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(3, Duration.ofMillis(100), 5, 100), null, clock);
    AtomicInteger calls = new AtomicInteger();
    Throwable err = failure(g.call(() -> {
      calls.incrementAndGet();
      return Promise.<String>promise().future(); // never answers
    }));
    assertThat(err).isInstanceOf(ChannelException.Unknown.class);
    assertThat(calls.get()).isOne();
  }

  @Test
  void rejectionsAreNotRetriedAndDoNotOpenTheBreaker() {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(3, Duration.ofSeconds(1), 5, 100), null, clock);
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 6; i++) {
      failure(g.call(() -> {
        calls.incrementAndGet();
        return Future.failedFuture(new ChannelException.Rejected("invalid number", null, false));
      }));
    }
    assertThat(calls.get()).isEqualTo(6);
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theBreakerOpensOnFailuresRefusesCallsAndClosesAfterASuccessfulTrial() throws Exception {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(1, Duration.ofSeconds(1), 5, 100), null, clock);
    for (int i = 0; i < 4; i++) failure(g.call(() -> Future.failedFuture(new ChannelException.Transient("down", null))));
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    AtomicInteger calls = new AtomicInteger();
    assertThat(failure(g.call(() -> {
      calls.incrementAndGet();
      return Future.succeededFuture("x");
    }))).isInstanceOf(ChannelException.NotPermitted.class);
    assertThat(calls.get()).isZero();
    clock.advance(Duration.ofMillis(350)); // past the open time (300 ms)
    assertThat(await(g.call(() -> Future.succeededFuture("back")))).isEqualTo("back");
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anOpenBreakerLetsATrialThroughAsSoonAsTheProbedProviderAnswersNotAfterItsWholeOpenTime() throws Exception {
    AtomicBoolean answers = new AtomicBoolean();
    Resilience longOpen = new Resilience(50, 4, 4, Duration.ofHours(1), 1, 1, Duration.ofMillis(10), 0.5,
        Duration.ofSeconds(1), 5, 100, Duration.ofMillis(50));
    ChannelGuard g = new ChannelGuard(vertx, "p", longOpen,
        () -> answers.get() ? Future.succeededFuture() : Future.failedFuture("still silent"), clock);
    for (int i = 0; i < 4; i++) failure(g.call(() -> Future.failedFuture(new ChannelException.Transient("down", null))));
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

    answers.set(true);
    long start = System.nanoTime();
    while (g.breaker().getState() == CircuitBreaker.State.OPEN && System.nanoTime() - start < 5_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(await(g.call(() -> Future.succeededFuture("back")))).isEqualTo("back");
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aRecipientThatCannotTakeMessagesForNowDoesNotOpenTheBreakerAndIsNotRetriedAtOnce() {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(3, Duration.ofSeconds(1), 5, 100), null, clock);
    AtomicInteger calls = new AtomicInteger();
    for (int i = 0; i < 6; i++) {
      assertThat(failure(g.call(() -> {
        calls.incrementAndGet();
        return Future.failedFuture(new ChannelException.RecipientUnavailable("451 mailbox busy"));
      }))).isInstanceOf(ChannelException.RecipientUnavailable.class);
    }
    assertThat(calls.get()).isEqualTo(6);
    assertThat(g.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aTimeOutTheChannelEndedItselfIsNotRetriedOnTheSameChannel() {
    ChannelGuard g = new ChannelGuard(vertx, "t", settings(3, Duration.ofSeconds(1), 5, 100), null, clock);
    AtomicInteger calls = new AtomicInteger();
    Throwable err = failure(g.call(() -> {
      calls.incrementAndGet();
      return Future.failedFuture(new ChannelException.Transient("closed before the message was complete",
          new TimeoutException()));
    }));
    assertThat(err).isInstanceOf(ChannelException.Transient.class);
    assertThat(calls.get()).isOne();
  }

  @Test
  void theBulkheadAndTheRateLimitTurnAwayExcessCalls() throws Exception {
    ChannelGuard bulkhead = new ChannelGuard(vertx, "b", settings(1, Duration.ofSeconds(1), 1, 100), null, clock);
    Promise<String> slow = Promise.promise();
    Future<String> first = bulkhead.call(slow::future);
    assertThat(failure(bulkhead.call(() -> Future.succeededFuture("x"))))
        .isInstanceOf(ChannelException.NotPermitted.class).hasMessageContaining("at once");
    slow.complete("done");
    assertThat(await(first)).isEqualTo("done");

    ChannelGuard limited = new ChannelGuard(vertx, "r", settings(1, Duration.ofSeconds(1), 10, 2), null, clock);
    int refused = 0;
    for (int i = 0; i < 5; i++) {
      try {
        await(limited.call(() -> Future.succeededFuture("x")));
      } catch (Exception e) {
        refused++;
      }
    }
    assertThat(refused).as("2 per second, 50 ms patience").isGreaterThanOrEqualTo(2);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
