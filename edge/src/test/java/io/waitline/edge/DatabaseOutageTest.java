package io.waitline.edge;

import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When PostgreSQL drops the node's connections (a restart, a failover, an administrator), the requests cut off are
 * answered 503 with a sentence and change nothing, and the node recovers by itself: the next request succeeds.
 */
class DatabaseOutageTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  @Test
  void aCheckInCutOffByTheDatabaseIs503AndTheNextOneSucceeds() {
    String queue = app.newQueue();
    long seqBefore = app.seq(queue);
    // the check-in's insert waits inside its transaction until the database drops it
    app.pool.query("CREATE FUNCTION slow_entry() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.patient_name = 'Ann Cutoff' THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END; $$").execute().await();
    app.pool.query("CREATE TRIGGER slow_entry BEFORE INSERT ON entry FOR EACH ROW EXECUTE FUNCTION slow_entry()")
        .execute().await();
    SqlConnection admin = app.pool.getConnection().await();
    try {
      int adminPid = admin.query("SELECT pg_backend_pid()").execute().await().iterator().next().getInteger(0);
      Future<HttpResponse<Buffer>> cutOff = app.staff(HttpMethod.POST, "/api/v1/queues/" + queue + "/check-ins")
          .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", "Ann Cutoff")));
      String sleeping = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND wait_event = 'PgSleep' AND pid <> $1";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (count(admin, sleeping, adminPid) == 0 && !cutOff.isComplete() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(count(admin, sleeping, adminPid)).as("the check-in inside its transaction").isPositive();
      // what a restart or failover does to the node: every connection of its database is dropped
      admin.preparedQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND pid <> $1").execute(Tuple.of(adminPid)).await();
      JsonObject p = problem(cutOff.await(), 503);
      assertThat(p.getString("detail")).contains("database");
    } finally {
      admin.query("DROP TRIGGER slow_entry ON entry").execute().await();
      admin.query("DROP FUNCTION slow_entry()").execute().await();
      admin.close().await();
    }
    assertThat(app.seq(queue)).as("nothing changed").isEqualTo(seqBefore);
    HttpResponse<Buffer> next = app.staff(HttpMethod.POST, "/api/v1/queues/" + queue + "/check-ins")
        .sendJsonObject(new JsonObject().put("patient", new JsonObject().put("name", "Ben Afterwards"))).await();
    assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(201);
  }

  private static long count(SqlConnection c, String sql, int pid) {
    return c.preparedQuery(sql).execute(Tuple.of(pid)).await().iterator().next().getLong(0);
  }
}
