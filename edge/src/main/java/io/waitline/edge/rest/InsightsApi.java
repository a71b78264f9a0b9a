package io.waitline.edge.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.waitline.insights.EstimateHonesty;
import io.waitline.insights.Figures;
import io.waitline.insights.Insights;
import io.waitline.insights.InsightsCsv;
import io.waitline.insights.InsightsQuery;
import io.waitline.insights.InsightsRollup;
import io.waitline.insights.LiveQueue;
import io.waitline.insights.Punctuality;
import io.waitline.insights.Report;
import io.waitline.insights.Visit;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.retention.Retention;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Function;

/**
 * Insights endpoints for a site's managers: the figures of a range of days, its visits, and today live; the range
 * and its visits also as CSV ({@code format=csv}); and rebuilding the daily rollup of past days after a correction.
 * Visits carry tickets and timestamps, never patient details.
 */
public final class InsightsApi {
  private final Insights insights;
  private final InsightsRollup rollup;
  private final QueueCommands commands;
  private final Retention retention;

  public InsightsApi(Insights insights, InsightsRollup rollup, QueueCommands commands, Retention retention) {
    this.insights = insights;
    this.rollup = rollup;
    this.commands = commands;
    this.retention = retention;
  }

  /** The OpenAPI operations this class answers. */
  public void register(Map<String, Handler<RoutingContext>> ops) {
    ops.put("getInsights", rc -> answer(rc, query(rc).compose(insights::report), InsightsApi::reportJson,
        InsightsCsv::daily, "insights"));
    ops.put("listInsightVisits", rc -> answer(rc, query(rc).compose(insights::visits),
        visits -> new JsonArray(visits.stream().map(InsightsApi::visitJson).toList()), InsightsCsv::visits,
        "visits"));
    ops.put("rebuildInsights", rc -> {
      String siteId = rc.pathParam("siteId");
      String asked = rc.body().asJsonObject().getString("from");
      QueueApi.respond(rc, 200, commands.site(siteId).compose(site -> {
        LocalDate from = InsightsRollup.rebuildFrom(asked, LocalDate.ofInstant(commands.clock().instant(), site.zone()),
            retention);
        return rollup.rebuild(siteId, from).map(visits -> new JsonObject().put("siteId", siteId)
            .put("from", from.toString()).put("visits", visits));
      }));
    });
    ops.put("getInsightsLive", rc -> {
      String siteId = rc.pathParam("siteId");
      QueueApi.respond(rc, 200, commands.site(siteId).compose(site -> insights.live(siteId)) // unknown: a 404
          .map(queues -> new JsonObject().put("siteId", siteId)
              .put("queues", new JsonArray(queues.stream().map(InsightsApi::liveJson).toList()))));
    });
  }

  /** The request's query; a missing date is today at the site (an unknown site is a 404). */
  private Future<InsightsQuery> query(RoutingContext rc) {
    String siteId = rc.pathParam("siteId");
    var params = rc.queryParams();
    return commands.site(siteId).map(site -> InsightsQuery.parse(siteId, params.get("from"), params.get("to"),
        params.get("queue"), params.get("priority"), params.get("source"),
        LocalDate.ofInstant(commands.clock().instant(), site.zone())));
  }

  private static <T> void answer(RoutingContext rc, Future<T> result, Function<T, Object> json,
      Function<T, String> csv, String name) {
    boolean asCsv = "csv".equals(rc.queryParams().get("format"));
    result.onSuccess(value -> {
      if (!asCsv) {
        QueueApi.respond(rc, 200, Future.succeededFuture(json.apply(value)));
        return;
      }
      rc.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + name + "-" + rc.pathParam("siteId")
              + ".csv\"")
          .end(csv.apply(value));
    }).onFailure(rc::fail);
  }

  private static JsonObject reportJson(Report r) {
    InsightsQuery q = r.query();
    return new JsonObject().put("siteId", q.siteId()).put("from", q.from().toString()).put("to", q.to().toString())
        .put("queue", q.queueId())
        .put("priority", q.priority() == null ? null : q.priority().wire())
        .put("source", q.source())
        .put("arrivalsByHour", new JsonArray(r.arrivalsByHour().stream().map(c -> new JsonObject()
            .put("weekday", c.weekday()).put("hour", c.hour()).put("arrivals", c.arrivals())).toList()))
        .put("daily", new JsonArray(r.daily().stream().map(InsightsApi::figuresJson).toList()))
        .put("bySource", new JsonArray(r.bySource().entrySet().stream()
            .map(e -> figuresJson(e.getValue()).put("source", e.getKey())).toList()))
        .put("total", figuresJson(r.total()));
  }

  private static JsonObject honestyJson(EstimateHonesty h) {
    return new JsonObject().put("estimates", h.estimates()).put("meanAbsErrorMinutes", h.meanAbsErrorMinutes())
        .put("biasMinutes", h.biasMinutes()).put("p90Covers", h.p90Covers()).put("rangeHolds", h.rangeHolds());
  }

  private static JsonObject punctualityJson(Punctuality p) {
    return new JsonObject().put("arrivals", p.arrivals()).put("early", p.early()).put("late", p.late())
        .put("earlyShare", p.earlyShare()).put("lateShare", p.lateShare())
        .put("latenessMedianSeconds", p.latenessMedianSeconds());
  }

  private static JsonObject figuresJson(Figures f) {
    return new JsonObject().put("day", f.day() == null ? null : f.day().toString()).put("queueId", f.queueId())
        .put("visits", f.visits()).put("arrivals", f.arrivals()).put("called", f.called())
        .put("waitMedianSeconds", f.waitMedianSeconds()).put("waitP90Seconds", f.waitP90Seconds())
        .put("serviceMedianSeconds", f.serviceMedianSeconds()).put("serviceMeanSeconds", f.serviceMeanSeconds())
        .put("noShows", f.noShows()).put("left", f.left()).put("transfersIn", f.transfersIn())
        .put("transfersOut", f.transfersOut()).put("recalls", f.recalls())
        .put("calledWithinTarget", f.calledWithinTarget()).put("noShowRate", f.noShowRate())
        .put("leftRate", f.leftRate()).put("withinTargetShare", f.withinTargetShare())
        .put("honesty", honestyJson(f.honesty())).put("punctuality", punctualityJson(f.punctuality()));
  }

  private static JsonObject visitJson(Visit v) {
    return new JsonObject().put("day", v.day().toString()).put("queueId", v.queueId()).put("ticket", v.ticket())
        .put("priority", v.priority()).put("source", v.source()).put("arrivedAt", text(v.arrivedAt()))
        .put("firstCalledAt", text(v.firstCalledAt())).put("waitSeconds", v.waitSeconds())
        .put("serviceStartedAt", text(v.serviceStartedAt())).put("serviceSeconds", v.serviceSeconds())
        .put("recalls", v.recalls()).put("transferredIn", v.transferredIn()).put("outcome", v.outcome());
  }

  private static JsonObject liveJson(LiveQueue q) {
    return new JsonObject().put("queueId", q.queueId()).put("name", q.name()).put("staffOnDuty", q.staffOnDuty())
        .put("maxWaitMinutes", q.maxWaitMinutes()).put("waitingNow", q.waitingNow())
        .put("longestWaitSeconds", q.longestWaitSeconds()).put("callsLastHour", q.callsLastHour())
        .put("pastMaxWait", q.pastMaxWait());
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
