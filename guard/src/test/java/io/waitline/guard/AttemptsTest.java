package io.waitline.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AttemptsTest {
  /** A failure the retry accepts; anything else is final. */
  static final class Transient extends RuntimeException {
    Transient(String message) {
      super(message);
    }
  }

  record Policy(int maxAttempts) implements GuardPolicy {
    public int failureRatePercent() {
      return 50;
    }

    public int slidingWindow() {
      return 4;
    }

    public int minimumCalls() {
      return 4;
    }

    public Duration openFor() {
      return Duration.ofHours(1);
    }

    public int halfOpenCalls() {
      return 1;
    }

    public Duration backoff() {
      return Duration.ofMillis(5);
    }

    public double jitter() {
      return 0.5;
    }

    public Duration timeout() {
      return Duration.ofMillis(50);
    }
  }

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aTransientFailureIsTriedAgainUntilAnAttemptSucceeds() throws Exception {
    Retry retry = new Policy(3).retry("t", e -> e instanceof Transient);
    AtomicInteger attempts = new AtomicInteger();
    String answer = await(Attempts.retried(vertx, retry, () -> attempts.incrementAndGet() < 3
        ? Future.failedFuture(new Transient("busy")) : Future.succeededFuture("done")));
    assertThat(answer).isEqualTo("done");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void theRetryGivesUpAfterItsAttemptsWithTheLastFailure() throws Exception {
    Retry retry = new Policy(2).retry("t", e -> e instanceof Transient);
    AtomicInteger attempts = new AtomicInteger();
    Future<String> f = Attempts.retried(vertx, retry,
        () -> Future.failedFuture(new Transient("busy " + attempts.incrementAndGet())));
    assertThatThrownBy(() -> await(f)).isInstanceOf(ExecutionException.class).hasRootCauseMessage("busy 2");
    assertThat(attempts).hasValue(2);
  }

  @Test
  void aFailureTheRetryDoesNotAcceptIsFinalAtOnce() {
    Retry retry = new Policy(3).retry("t", e -> e instanceof Transient);
    AtomicInteger attempts = new AtomicInteger();
    Future<String> f = Attempts.retried(vertx, retry, () -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("refused");
    });
    assertThatThrownBy(() -> await(f)).hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aCallWithoutAnswerFailsAtTheTimeLimitAndCountsAsTheBreakersFailure() {
    CircuitBreaker breaker = new Policy(1).breaker("t", Clock.systemUTC());
    Promise<String> never = Promise.promise();
    assertThat(breaker.tryAcquirePermission()).isTrue();
    Future<String> f = Attempts.timed(vertx, breaker, 50, () -> new Transient("no answer"), never::future,
        e -> e);
    assertThatThrownBy(() -> await(f)).hasRootCauseMessage("no answer");
    never.complete("too late");
    assertThat(f.failed()).as("an answer after the time limit changes nothing").isTrue();
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void aFailureIsClassifiedBeforeTheBreakerSeesItAndIgnoredClassesDoNotCount() throws Exception {
    CircuitBreaker breaker = new Policy(1).breaker("t", Clock.systemUTC(), IllegalArgumentException.class);
    assertThat(breaker.tryAcquirePermission()).isTrue();
    Future<String> f = Attempts.timed(vertx, breaker, 1_000, () -> new Transient("late"),
        () -> Future.failedFuture(new Transient("bad recipient")), e -> new IllegalArgumentException(e));
    assertThatThrownBy(() -> await(f)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(IllegalArgumentException.class);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
    assertThat(breaker.tryAcquirePermission()).isTrue();
    assertThat(await(Attempts.timed(vertx, breaker, 1_000, () -> new Transient("late"),
        () -> Future.succeededFuture("ok"), e -> e))).isEqualTo("ok");
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
  }
}
