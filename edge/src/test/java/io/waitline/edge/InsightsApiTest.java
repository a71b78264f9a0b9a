package io.waitline.edge;

import static io.waitline.edge.TestApp.SITE;
import static io.waitline.edge.TestApp.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.access.Role;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Insights over HTTP for a site's manager: a day's figures as JSON and CSV, its visits exported (and audited), today
 * live, and bad ranges or filters refused with a sentence. Which roles may call them is AuthorizationMatrixTest's.
 */
class InsightsApiTest {
  @RegisterExtension static final TestApp app = TestApp.node();
  /** A Wednesday in June: London is on BST, an hour ahead of UTC. */
  private static final String DAY = "2026-06-10";
  private static String manager;
  private static String queue;

  @BeforeAll
  static void aMorning() {
    manager = app.staffToken(SITE, Role.MANAGER);
    queue = app.newQueue();
    app.clock.set(Instant.parse(DAY + "T09:00:00Z"));
    app.checkIn(queue, "Insight First");
    app.checkIn(queue, "Insight Second");
    app.clock.set(Instant.parse(DAY + "T09:10:00Z"));
    app.commands.callNext(queue, "Room 1", "test").await();
  }

  private static HttpResponse<Buffer> get(String pathAndQuery) {
    return app.anonymous(HttpMethod.GET, "/api/v1/sites/" + SITE + pathAndQuery).bearerTokenAuthentication(manager)
        .send().await();
  }

  @Test
  void aManagerReadsTheDaysFiguresOfAQueueAsJson() {
    HttpResponse<Buffer> r = get("/insights?from=" + DAY + "&to=" + DAY + "&queue=" + queue);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("from")).isEqualTo(DAY);
    JsonObject total = body.getJsonObject("total");
    assertThat(total.getLong("visits")).isEqualTo(2);
    assertThat(total.getLong("called")).isEqualTo(1);
    // the test clock moves a millisecond per reading from where it was set: the call came 600 s and a few
    // milliseconds after arrival
    assertThat(total.getDouble("waitMedianSeconds")).isBetween(600.0, 601.0);
    assertThat(total.getDouble("withinTargetShare")).isEqualTo(0.5);
    // 09:00 UTC is 10:00 in London; a Wednesday is ISO weekday 3
    assertThat(body.getJsonArray("arrivalsByHour").getJsonObject(0))
        .isEqualTo(new JsonObject().put("weekday", 3).put("hour", 10).put("arrivals", 2));
    assertThat(body.getJsonArray("daily").getJsonObject(0).getString("queueId")).isEqualTo(queue);
    // both walked in at the desk: one source, with the day's figures
    assertThat(body.getJsonArray("bySource")).hasSize(1);
    assertThat(body.getJsonArray("bySource").getJsonObject(0).getString("source")).isEqualTo("walk_in");
    assertThat(body.getJsonArray("bySource").getJsonObject(0).getLong("visits")).isEqualTo(2);
    // both were shown an estimate at check-in; one was called, so one wait is scored, in the range and in its day
    assertThat(total.getJsonObject("honesty").getLong("estimates")).isEqualTo(1);
    assertThat(body.getJsonArray("daily").getJsonObject(0).getJsonObject("honesty").getLong("estimates"))
        .isEqualTo(1);
    // two walk-ins: no appointment to be early or late for
    assertThat(total.getJsonObject("punctuality")).isEqualTo(new JsonObject().put("arrivals", 0).put("early", 0)
        .put("late", 0).putNull("earlyShare").putNull("lateShare").putNull("latenessMedianSeconds"));
  }

  @Test
  void theVisitExportIsACsvWithoutPatientNamesAndIsAudited() {
    HttpResponse<Buffer> r = get("/insights/visits?from=" + DAY + "&to=" + DAY + "&queue=" + queue + "&format=csv");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("text/csv");
    String csv = r.bodyAsString();
    assertThat(csv.split("\r\n")).hasSize(3);
    assertThat(csv).doesNotContain("Insight First").doesNotContain("Insight Second");
    assertThat(exportRecord().getString("site_id")).isEqualTo(SITE);
  }

  /** The export's audit record, written once the answer has gone out: read up to a later marker request. */
  private static Row exportRecord() {
    app.settledAuditId();
    var rows = app.pool.preparedQuery("SELECT site_id FROM audit_log WHERE action = 'listInsightVisits'"
        + " AND detail->>'queue' = $1 AND detail->>'format' = 'csv'").execute(Tuple.of(queue)).await();
    assertThat(rows.size()).as("audit records of the export").isEqualTo(1);
    return rows.iterator().next();
  }

  @Test
  void theDailyFiguresAreACsvWithASourceRowAndATotalRow() {
    HttpResponse<Buffer> r = get("/insights?from=" + DAY + "&to=" + DAY + "&queue=" + queue + "&format=csv");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String[] lines = r.bodyAsString().split("\r\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("day,queue,source,visits,");
    assertThat(lines[1]).startsWith(DAY + "," + queue + ",,2,2,1,");
    assertThat(lines[2]).startsWith(",,walk_in,2,2,1,");
    assertThat(lines[3]).startsWith(",,,2,2,1,");
  }

  @Test
  void todayLiveShowsWhoWaitsNowAndTheCallsOfTheLastHour() {
    HttpResponse<Buffer> r = get("/insights/live");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject live = r.bodyAsJsonObject().getJsonArray("queues").stream().map(JsonObject.class::cast)
        .filter(q -> q.getString("queueId").equals(queue)).findFirst().orElseThrow();
    assertThat(live.getLong("waitingNow")).isEqualTo(1);
    assertThat(live.getLong("callsLastHour")).isEqualTo(1);
    assertThat(live.getLong("pastMaxWait")).isZero();
    assertThat(live.getLong("longestWaitSeconds")).isBetween(600L, 660L);
  }

  @Test
  void badRangesAndFiltersAreRefusedWithASentence() {
    assertThat(problem(get("/insights?from=2026-06-11&to=" + DAY), 422).getString("detail"))
        .isEqualTo("The range starts on 2026-06-11, after its end on 2026-06-10; give 'from' on or before 'to'.");
    assertThat(problem(get("/insights?from=10/06/2026"), 422).getString("detail"))
        .isEqualTo("'from' is '10/06/2026', which is not a date like 2026-03-29.");
    assertThat(problem(get("/insights/visits?from=2025-01-01&to=2026-06-10"), 422).getString("detail"))
        .isEqualTo("The range covers 526 days; ask for at most 366 days at a time.");
    String elsewhere = app.newSite() + "-a";
    assertThat(problem(get("/insights?queue=" + elsewhere), 422).getString("detail"))
        .isEqualTo("Queue '" + elsewhere + "' is not a queue of site '" + SITE + "'; choose one of its queues or none.");
    assertThat(problem(get("/insights?source=fax"), 422).getString("detail"))
        .isEqualTo("Source 'fax' is unknown; use walk_in, kiosk, appointment, or source: and the name of an"
            + " appointment source.");
  }

  @Test
  void aManagerRebuildsThePastDaysRollupAndTheDaysFiguresStayTheSame() {
    String before = get("/insights?from=" + DAY + "&to=" + DAY).bodyAsString();
    app.clock.set(Instant.parse("2026-06-12T12:00:00Z")); // the day has closed: nodes roll it up from now on
    try {
      HttpResponse<Buffer> r = rebuild(new JsonObject().put("from", DAY));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("from")).isEqualTo(DAY);
      assertThat(r.bodyAsJsonObject().getLong("visits")).as("the day's two visits copied").isEqualTo(2);
      JsonObject audited = app.auditRecord(app.adminToken(), "action=rebuildInsights&siteId=" + SITE, a -> true);
      assertThat(audited.getJsonObject("detail").getString("from")).as("which days were rolled up again")
          .isEqualTo(DAY);
      assertThat(app.pool.preparedQuery("SELECT count(*) FROM insight_rollup_visit WHERE site_id = $1 AND day = $2")
          .execute(Tuple.of(SITE, java.time.LocalDate.parse(DAY))).await().iterator().next().getLong(0)).isEqualTo(2);
      assertThat(new JsonObject(get("/insights?from=" + DAY + "&to=" + DAY).bodyAsString()))
          .as("read from the rollup as it was read live").isEqualTo(new JsonObject(before));

      assertThat(problem(rebuild(new JsonObject().put("from", "2026-06-12")), 422).getString("detail"))
          .isEqualTo("Only past days are rolled up: 'from' is 2026-06-12 and today is 2026-06-12 at the site.");
      // the node keeps patient details 180 days: older days keep the figures they were rolled up with
      assertThat(problem(rebuild(new JsonObject().put("from", "2025-12-13")), 422).getString("detail"))
          .isEqualTo("Visits before 2025-12-14 are past the 180 days their details are kept, so their days keep the"
              + " figures they were rolled up with: rebuild from 2025-12-14 or later.");
      assertThat(problem(rebuild(new JsonObject().put("from", "10/06/2026")), 422).getString("detail"))
          .isEqualTo("'from' is '10/06/2026', which is not a date like 2026-03-29.");
      assertThat(problem(rebuild(new JsonObject()), 400).getString("detail")).contains("from");
      assertThat(app.anonymous(HttpMethod.POST, "/api/v1/sites/nowhere/insights/rebuild")
          .bearerTokenAuthentication(app.adminToken()).sendJsonObject(new JsonObject().put("from", DAY)).await()
          .statusCode()).isEqualTo(404);
    } finally {
      app.clock.set(Instant.parse(DAY + "T09:10:00Z")); // where the other tests of this class expect it
    }
  }

  private static HttpResponse<Buffer> rebuild(JsonObject body) {
    return app.anonymous(HttpMethod.POST, "/api/v1/sites/" + SITE + "/insights/rebuild")
        .bearerTokenAuthentication(manager).sendJsonObject(body).await();
  }

  @Test
  void anUnknownSiteIsNotFound() {
    HttpResponse<Buffer> r = app.anonymous(HttpMethod.GET, "/api/v1/sites/nowhere/insights/live")
        .bearerTokenAuthentication(app.staffToken(null, Role.ADMIN)).send().await();
    problem(r, 404);
  }
}
