package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.Role;
import io.waitline.queue.command.QueueSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change and its audit record commit together or not at all: the record is written in the command's own
 * transaction, so a change is never left without its record, and a record never names a change that did not happen.
 */
class AuditInCommandTest {
  private static TestApp app;
  private static String desk;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    desk = app.staffToken(TestApp.SITE, Role.FRONT_DESK);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aCheckInAndItsAuditRecordAreWrittenByOneTransaction() {
    String queue = app.newQueue();

    HttpResponse<Buffer> r = post("/api/v1/queues/" + queue + "/check-ins",
        new JsonObject().put("patient", new JsonObject().put("name", "Oona Onecommit")));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    String entry = r.bodyAsJsonObject().getString("id");
    // xmin is the id of the transaction that wrote a row
    Row audit = one("SELECT xmin::text AS tx, outcome, site_id FROM audit_log"
        + " WHERE entry_id = $1 AND action = 'checkIn'", entry);
    assertThat(audit.getInteger("outcome")).isEqualTo(201);
    assertThat(audit.getString("site_id")).isEqualTo(TestApp.SITE);
    assertThat(one("SELECT xmin::text AS tx FROM entry WHERE id = $1", entry).getString("tx"))
        .isEqualTo(audit.getString("tx"));
    assertThat(one("SELECT xmin::text AS tx FROM queue_event WHERE queue_id = $1 AND seq = 1", queue).getString("tx"))
        .isEqualTo(audit.getString("tx"));
    assertThat(count("SELECT count(*) FROM audit_log WHERE entry_id = $1", entry)).isEqualTo(1);
  }

  @Test
  void aCallWhoseAuditRecordCannotBeWrittenDoesNotHappen() {
    String queue = app.newQueue();
    String ann = app.checkIn(queue, "Ann Unaudited").id().toString();
    // the audit log refuses every call-next record from now on
    app.pool.query("CREATE FUNCTION refuse_call_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.action = 'callNext' THEN RAISE EXCEPTION 'audit log unavailable'; END IF; RETURN NEW; END; $$")
        .execute().await();
    app.pool.query("CREATE TRIGGER refuse_call_audit BEFORE INSERT ON audit_log FOR EACH ROW"
        + " EXECUTE FUNCTION refuse_call_audit()").execute().await();
    try {
      HttpResponse<Buffer> r = post("/api/v1/queues/" + queue + "/call-next",
          new JsonObject().put("calledTo", "Room 4"));

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("type")).endsWith("audit-unavailable");
      QueueSnapshot after = app.snapshot(queue);
      assertThat(after.lineup().places()).extracting(p -> p.entry().id().toString()).containsExactly(ann);
      assertThat(after.seq()).isEqualTo(1); // only the check-in's event
    } finally {
      app.pool.query("DROP TRIGGER refuse_call_audit ON audit_log").execute().await();
      app.pool.query("DROP FUNCTION refuse_call_audit()").execute().await();
    }
    // once the log takes records again, the call goes through and is recorded once, with its outcome
    HttpResponse<Buffer> again = post("/api/v1/queues/" + queue + "/call-next",
        new JsonObject().put("calledTo", "Room 4"));
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM audit_log WHERE entry_id = $1 AND action = 'callNext' AND outcome = 200",
        ann)).isEqualTo(1);
  }

  @Test
  void aRefusedCommandIsStillRecordedWithItsRefusal() {
    String queue = app.newQueue();

    HttpResponse<Buffer> r = post("/api/v1/queues/" + queue + "/call-next", new JsonObject().put("calledTo", "Room 4"));

    assertThat(r.statusCode()).isEqualTo(409);
    // a refusal's record is written as the answer goes out, so it is read once a later marker request has its own
    app.settledAuditId();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'callNext' AND outcome = 409"
        + " AND detail->>'queueId' = $1", queue)).isEqualTo(1);
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return app.anonymous(HttpMethod.POST, path).putHeader("Authorization", "Bearer " + desk).sendJsonObject(body)
        .await();
  }

  private static Row one(String sql, String arg) {
    return app.pool.preparedQuery(sql).execute(Tuple.of(arg)).await().iterator().next();
  }

  private static long count(String sql, String arg) {
    return one(sql, arg).getLong(0);
  }
}
