package io.waitline.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.waitline.queue.store.TestDatabase;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statements sent at once on one connection of a real PostgreSQL: answered in order, the first failure reported. */
class PipelinedTest {
  private final Vertx vertx = Vertx.vertx();
  private SqlConnection c;

  @BeforeEach
  void connect() throws Exception {
    Pool pool = TestDatabase.pool(vertx, TestDatabase.freshDatabase(), 1);
    c = await(pool.getConnection());
    await(c.query("CREATE TABLE t (n int PRIMARY KEY)").execute());
    await(c.query("BEGIN").execute());
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void statementsSentTogetherRunInTheOrderSentAndTheLastOnesResultComesBack() throws Exception {
    Future<RowSet<Row>> first = c.query("INSERT INTO t VALUES (1)").execute();
    Future<RowSet<Row>> second = c.query("INSERT INTO t VALUES (2)").execute();
    RowSet<Row> seen = await(Pipelined.after(List.of(first, second), c.query("SELECT count(*) FROM t").execute()));

    assertThat(seen.iterator().next().getLong(0)).isEqualTo(2);
  }

  @Test
  void theFirstFailureInTheOrderSentIsReportedNotTheRefusalsThatFollowIt() throws Exception {
    Future<RowSet<Row>> fine = c.query("INSERT INTO t VALUES (1)").execute();
    Future<RowSet<Row>> duplicate = c.query("INSERT INTO t VALUES (1)").execute();
    Future<RowSet<Row>> refused = c.query("INSERT INTO t VALUES (3)").execute();
    Future<RowSet<Row>> last = c.query("SELECT count(*) FROM t").execute();

    assertThatThrownBy(() -> await(Pipelined.after(List.of(fine, duplicate, refused), last)))
        .isInstanceOf(ExecutionException.class).cause().hasMessageContaining("duplicate key");
    assertThat(refused.failed()).as("what followed the failure was refused too").isTrue();
    assertThat(refused.cause().getMessage()).contains("current transaction is aborted");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
