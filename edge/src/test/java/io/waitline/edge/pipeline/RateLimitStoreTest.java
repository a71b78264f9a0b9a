package io.waitline.edge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.edge.MigratedDatabases;
import io.waitline.queue.store.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token buckets in PostgreSQL, with time passed in by the test: the budget, the refill, the wait it announces, one
 * budget for several nodes and across a restart, and idle buckets forgotten.
 */
class RateLimitStoreTest {
  private static final long T0 = 1_780_000_000_000L;
  private static Vertx vertx;
  private static PgConnectOptions database;
  private static Pool pool;
  private static RateLimitStore limits;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    database = MigratedDatabases.fresh();
    pool = TestDatabase.pool(vertx, database, 4);
    limits = new RateLimitStore(pool);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static long take(RateLimitStore store, String subject, int perMinute, long at) {
    return store.take("sign-in", subject, perMinute, at).await();
  }

  @Test
  void tenAttemptsAMinutePassAndTheEleventhIsToldHowLongToWait() {
    for (int i = 0; i < 10; i++) assertThat(take(limits, "10.0.0.1", 10, T0)).as("attempt %d", i + 1).isZero();

    // one token comes back every 6 s
    assertThat(take(limits, "10.0.0.1", 10, T0)).isEqualTo(6_000);
    assertThat(take(limits, "10.0.0.1", 10, T0 + 2_000)).isEqualTo(4_000);
  }

  @Test
  void theBucketRefillsEvenlyOverTheMinute() {
    for (int i = 0; i < 10; i++) take(limits, "10.0.0.2", 10, T0);

    assertThat(take(limits, "10.0.0.2", 10, T0 + 6_000)).isZero();
    assertThat(take(limits, "10.0.0.2", 10, T0 + 6_000)).isPositive();

    long later = T0 + 6_000 + 5 * 60_000; // never more than a full bucket
    for (int i = 0; i < 10; i++) assertThat(take(limits, "10.0.0.2", 10, later)).isZero();
    assertThat(take(limits, "10.0.0.2", 10, later)).isPositive();
  }

  @Test
  void oneAddressUsingItsBudgetLeavesOthersAlone() {
    for (int i = 0; i < 11; i++) take(limits, "10.0.0.3", 10, T0);

    assertThat(take(limits, "10.0.0.3", 10, T0)).isPositive();
    assertThat(take(limits, "10.0.0.4", 10, T0)).isZero();
    assertThat(limits.take("pairing", "10.0.0.3", 10, T0).await()).isZero();
  }

  @Test
  void twoNodesSpendOneBudgetAndARestartDoesNotRefillIt() {
    Vertx otherNode = Vertx.vertx();
    try {
      RateLimitStore other = new RateLimitStore(TestDatabase.pool(otherNode, database, 2));
      for (int i = 0; i < 10; i++) {
        assertThat(take(i % 2 == 0 ? limits : other, "10.0.0.5", 10, T0)).as("attempt %d", i + 1).isZero();
      }
      assertThat(take(limits, "10.0.0.5", 10, T0)).isPositive();
      assertThat(take(other, "10.0.0.5", 10, T0)).isPositive();
    } finally {
      otherNode.close().await();
    }
    Vertx restarted = Vertx.vertx();
    try {
      RateLimitStore again = new RateLimitStore(TestDatabase.pool(restarted, database, 1));
      assertThat(take(again, "10.0.0.5", 10, T0 + 1_000)).isPositive();
    } finally {
      restarted.close().await();
    }
  }

  @Test
  void racingRequestsFromTwoNodesNeverGetMoreThanTheBudget() {
    Vertx otherNode = Vertx.vertx();
    try {
      RateLimitStore other = new RateLimitStore(TestDatabase.pool(otherNode, database, 4));
      List<Future<Long>> racing = new ArrayList<>();
      for (int i = 0; i < 60; i++) racing.add((i % 2 == 0 ? limits : other).take("sign-in", "10.0.0.6", 10, T0));
      Future.all(racing).await();

      assertThat(racing.stream().filter(f -> f.result() == 0L)).hasSize(10);
    } finally {
      otherNode.close().await();
    }
  }

  @Test
  void bucketsIdleForAMinuteAreForgotten() {
    long at = T0 + 3_600_000; // after every other test's buckets
    for (int i = 0; i < 200; i++) limits.take("visit", "10.0.1." + i, 60, at).await();
    limits.take("visit", "10.0.2.1", 60, at + 61_000).await();

    limits.forgetIdle(at + 61_000).await();

    assertThat(limits.size().await()).isEqualTo(1);
  }
}
