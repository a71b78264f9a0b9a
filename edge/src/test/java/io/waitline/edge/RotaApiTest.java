package io.waitline.edge;

import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queue's rota over HTTP: managers replace the whole week, desk staff read it; a rota that cannot be worked is
 * refused with a sentence and leaves the saved one and the queue as they were.
 */
class RotaApiTest {
  @RegisterExtension static final TestApp app = TestApp.node();
  private static String manager;
  private static String desk;

  @BeforeAll
  static void tokens() {
    manager = app.staffToken(SITE, Role.MANAGER);
    desk = app.staffToken(SITE, Role.FRONT_DESK);
  }

  private static JsonObject shift(String day, String desk, String from, String to) {
    return new JsonObject().put("day", day).put("desk", desk).put("from", from).put("to", to);
  }

  private static HttpResponse<Buffer> put(String queue, String token, JsonArray shifts) {
    return app.anonymous(HttpMethod.PUT, "/api/v1/queues/" + queue + "/rota").bearerTokenAuthentication(token)
        .sendJsonObject(new JsonObject().put("shifts", shifts)).await();
  }

  private static JsonObject rota(String queue) {
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/queues/" + queue + "/rota")
        .bearerTokenAuthentication(desk).send().await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void aManagersRotaIsSavedInDayDeskAndStartOrderAndTheDeskReadsItBack() {
    String queue = app.newQueue();

    HttpResponse<Buffer> saved = put(queue, manager, new JsonArray()
        .add(shift("tuesday", "Room 2", "13:00", "17:30"))
        .add(shift("monday", " Room 1 ", "13:00", "17:00"))
        .add(shift("monday", "Room 1", "08:00", "12:00")));

    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
    JsonObject expected = new JsonObject().put("shifts", new JsonArray()
        .add(shift("monday", "Room 1", "08:00", "12:00"))
        .add(shift("monday", "Room 1", "13:00", "17:00"))
        .add(shift("tuesday", "Room 2", "13:00", "17:30")));
    assertThat(saved.bodyAsJsonObject()).isEqualTo(expected);
    assertThat(rota(queue)).isEqualTo(expected);
  }

  @Test
  void savingARotaIsAuditedWithTheQueueChangeInOneTransaction() {
    String queue = app.newQueue();

    assertThat(put(queue, manager, new JsonArray().add(shift("friday", "Lab 1", "07:00", "11:00"))).statusCode())
        .isEqualTo(200);

    var audit = app.pool.preparedQuery("SELECT xmin::text AS tx, outcome, site_id FROM audit_log"
        + " WHERE action = 'putQueueRota' AND detail::text LIKE $1").execute(Tuple.of("%" + queue + "%")).await();
    assertThat(audit.size()).isEqualTo(1);
    var row = audit.iterator().next();
    assertThat(row.getInteger("outcome")).isEqualTo(200);
    assertThat(row.getString("site_id")).isEqualTo(SITE);
    String eventTx = app.pool.preparedQuery("SELECT xmin::text AS tx, type FROM queue_event WHERE queue_id = $1"
        + " AND type = 'rota_changed'").execute(Tuple.of(queue)).await().iterator().next().getString("tx");
    assertThat(eventTx).isEqualTo(row.getString("tx"));
  }

  @Test
  void overlappingShiftsOfOneDeskAreRefusedAs422AndTheSavedRotaAndQueueStayAsTheyWere() {
    String queue = app.newQueue();
    put(queue, manager, new JsonArray().add(shift("monday", "Room 1", "08:00", "12:00")));
    JsonObject before = rota(queue);
    long seq = app.seq(queue);

    String detail = problem(put(queue, manager, new JsonArray().add(shift("monday", "Room 1", "08:00", "12:00"))
        .add(shift("monday", "Room 1", "11:00", "13:00"))), 422).getString("detail");

    assertThat(detail).isEqualTo("The shifts Monday 08:00–12:00 at Room 1 and 11:00–13:00 overlap; one desk works "
        + "one shift at a time (two people at once are two desks, a break is a gap).");
    assertThat(rota(queue)).isEqualTo(before);
    assertThat(app.seq(queue)).isEqualTo(seq);
  }

  @Test
  void aShiftEndingBeforeItStartsIsRefusedAs422() {
    String queue = app.newQueue();

    String detail = problem(put(queue, manager, new JsonArray().add(shift("sunday", "Lab", "22:00", "06:00"))), 422)
        .getString("detail");

    assertThat(detail).contains("Sunday 22:00–06:00 at Lab ends before it starts");
    assertThat(rota(queue).getJsonArray("shifts")).isEmpty();
  }

  @Test
  void aTimeThatIsNotATimeOfDayIsRefusedAs400NamingTheField() {
    String queue = app.newQueue();

    String detail = problem(put(queue, manager, new JsonArray().add(shift("monday", "Room 1", "8:00", "25:00"))), 400)
        .getString("detail");

    assertThat(detail).isEqualTo("The request body is not valid: 'shifts.0.from' must be a time of day like 08:30; "
        + "'shifts.0.to' must be a time of day like 08:30.");
  }

  @Test
  void anUnknownWeekdayAndMoreThanAHundredShiftsAreRefusedAs400() {
    String queue = app.newQueue();
    JsonArray many = new JsonArray();
    for (int i = 0; i < 101; i++) many.add(shift("monday", "Desk " + i, "08:00", "09:00"));

    assertThat(problem(put(queue, manager, new JsonArray().add(shift("someday", "Room 1", "08:00", "09:00"))), 400)
        .getString("detail")).contains("'shifts.0.day' must be one of \"monday\"");
    assertThat(problem(put(queue, manager, many), 400).getString("detail"))
        .isEqualTo("The request body is not valid: 'shifts' holds 101 items where at most 100 are allowed.");
    assertThat(rota(queue).getJsonArray("shifts")).isEmpty();
  }

  @Test
  void theRotaOfAnUnknownQueueIsNotFound() {
    problem(app.anonymous(HttpMethod.GET, "/api/v1/queues/no-such-queue/rota").bearerTokenAuthentication(manager)
        .send().await(), 404);
  }
}
