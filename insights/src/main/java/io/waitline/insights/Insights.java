package io.waitline.insights;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.QueueException;
import io.waitline.queue.sql.Rows;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures managers see, computed in PostgreSQL from the views queue-core publishes for this module
 * ({@code insight_visit}, {@code insight_queue}; queue-core's migration V5 describes them): closed days from their
 * daily rollup ({@link InsightsRollup}), the others from the views themselves. Every query reads one site and at
 * most {@link InsightsQuery#MAX_DAYS} days; a visit export at most {@link #MAX_EXPORT_ROWS} rows.
 */
public final class Insights {
  /** The most visits one export returns; a larger range is refused, to be asked in parts. */
  public static final int MAX_EXPORT_ROWS = 50_000;

  // the visits a query selects: $1 site, $2..$3 local days, $4 queue, $5 priority, $6 source (null: any); rolled-up
  // days (InsightsRollup) are read from their rows, the later ones (today, and any not closed yet) from the view
  private static final String ROLLED = "(SELECT rolled_through FROM insight_rollup WHERE site_id = $1)";
  private static final String VISITS = " FROM (SELECT " + InsightsRollup.COLUMNS + ", arrived_local"
      + " FROM insight_rollup_visit WHERE site_id = $1 AND day <= " + ROLLED
      + " UNION ALL SELECT " + InsightsRollup.prefixed("v.") + ", " + InsightsRollup.ARRIVED_LOCAL
      + " FROM insight_visit v WHERE v.site_id = $1 AND v.day > coalesce(" + ROLLED + ", '-infinity')) v";
  // the visits of the days not rolled up yet with their local arrival; the first with the wait each was shown,
  // shaped as insight_rollup_visit's rows
  private static final String LIVE_VISITS = liveVisits(", s.p50_minutes AS shown_p50_minutes,"
      + " s.p90_minutes AS shown_p90_minutes", InsightsRollup.SHOWN);
  private static final String LIVE_ARRIVALS = liveVisits("", "");
  private static final String OF_QUERY = " WHERE v.site_id = $1"
      + " AND v.day BETWEEN $2 AND $3 AND v.outcome NOT IN ('expected', 'cancelled')"
      + " AND ($4::text IS NULL OR v.queue_id = $4) AND ($5::text IS NULL OR v.priority = $5)"
      + " AND ($6::text IS NULL OR v.source = $6)";
  /**
   * The query's cells (its priority; its queue and source, or every one and all), each marked {@code daily} (one
   * queue's day), {@code whole} (all of the query's visits of its day) or {@code by_source} (those of one source,
   * when no source is asked for; with a queue asked for, one cell is daily and whole): rolled-up days from their
   * cells (a queue's day without its values, which only sums need), the later ones summed from their visits as
   * the rollup would.
   */
  private static final String CELLS = "WITH cells AS MATERIALIZED (SELECT c.day, c.queue_id, c.source,"
      + " c.queue_id <> '*' AND c.source = coalesce($6::text, '*') AS daily,"
      + " c.queue_id = coalesce($4::text, '*') AND c.source = coalesce($6::text, '*') AS whole,"
      + " c.queue_id = coalesce($4::text, '*') AND c.source <> '*' AND $6::text IS NULL AS by_source, "
      + Cells.COLUMNS.replace("waits, service_times, latenesses", valuesOf("waits") + ", "
          + valuesOf("service_times") + ", " + valuesOf("latenesses"))
      + " FROM insight_rollup_cell c WHERE c.site_id = $1 AND c.day BETWEEN $2 AND $3 AND c.day <= " + ROLLED
      + " AND c.priority = coalesce($5::text, '*') AND c.queue_id = coalesce($4::text, c.queue_id)"
      + " AND c.source = coalesce($6::text, c.source)"
      + " AND (c.source = coalesce($6::text, '*') OR (c.queue_id = coalesce($4::text, '*') AND $6::text IS NULL))"
      // GROUPING: 1 without the source (a queue's day), 3 without either (the day), 2 without the queue
      + " UNION ALL SELECT v.day, coalesce(v.queue_id, $4::text, '*'), coalesce(v.source, $6::text, '*'),"
      + " GROUPING(v.queue_id, v.source) = 1, GROUPING(v.queue_id, v.source) = 3,"
      + " GROUPING(v.queue_id, v.source) = 2 AND $6::text IS NULL, " + Cells.AGGREGATES + LIVE_VISITS + OF_QUERY
      + " GROUP BY GROUPING SETS ((v.day, v.queue_id), (v.day), (v.day, v.source)))";

  /** The figures of the whole days' cells: counts and sums added up, the percentiles taken over their values. */
  private static final String TOTAL = "t.*, " + Cells.tenths("w.p[1]") + ", " + Cells.tenths("w.p[2]") + ", "
      + Cells.tenths("s.p") + ", " + Cells.tenths("l.p") + " FROM (SELECT "
      + Cells.figures(column -> "sum(" + column + ")") + " FROM cells WHERE whole) t, "
      + percentile("ARRAY[0.5, 0.9]", "waits") + " w(p), " + percentile("0.5", "service_times") + " s(p), "
      + percentile("0.5", "latenesses") + " l(p)";

  private final Pool pool;
  private final Clock clock;

  public Insights(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The figures of a range: arrivals by hour and weekday, each queue's days, and the range's totals. */
  public Future<Report> report(InsightsQuery q) {
    return requireQueueOfSite(q).compose(v -> pool.preparedQuery("SELECT weekday, hour, sum(arrivals)::bigint"
            + " AS arrivals FROM (SELECT h.weekday, h.hour, h.arrivals FROM insight_rollup_hour h"
            + " WHERE h.site_id = $1 AND h.day BETWEEN $2 AND $3 AND h.day <= " + ROLLED
            + " AND h.queue_id = coalesce($4::text, '*') AND h.priority = coalesce($5::text, '*')"
            + " AND h.source = coalesce($6::text, '*')"
            + " UNION ALL SELECT extract(isodow FROM v.arrived_local), extract(hour FROM v.arrived_local), 1"
            + LIVE_ARRIVALS + OF_QUERY + " AND v.arrived_at IS NOT NULL) a GROUP BY 1, 2 ORDER BY 1, 2")
        .execute(params(q))
        .map(rows -> Rows.map(rows, r -> new Report.ArrivalCell(r.getInteger("weekday"), r.getInteger("hour"),
            r.getLong("arrivals")))))
        // each queue's day is one cell; a source's figures and the total sum cells, their percentiles over their values
        .compose(cells -> pool.preparedQuery(CELLS + " SELECT 0 AS part, day, queue_id, NULL AS source, "
                + Cells.figures(column -> column) + ", " + Cells.tenths("wait_median") + " AS wait_median, "
                + Cells.tenths("wait_p90") + " AS wait_p90, " + Cells.tenths("service_median") + " AS service_median, "
                + Cells.tenths("lateness_median") + " AS lateness_median FROM cells WHERE daily"
                // a source's figures without percentiles: those would sort every value once more (ask for the source)
                + " UNION ALL SELECT 1, NULL, NULL, src.source, t.*, NULL, NULL, NULL, NULL"
                + " FROM (SELECT DISTINCT source FROM cells WHERE by_source) src, LATERAL (SELECT "
                + Cells.figures(column -> "sum(" + column + ")")
                + " FROM cells WHERE by_source AND source = src.source) t"
                + " UNION ALL SELECT 2, NULL, NULL, NULL, " + TOTAL
                + " ORDER BY part, day, queue_id, source")
            .execute(params(q))
            .map(rows -> {
              List<Figures> daily = new ArrayList<>();
              Map<String, Figures> bySource = new LinkedHashMap<>();
              Figures total = null;
              for (Row r : rows) {
                switch (r.getInteger("part")) {
                  case 0 -> daily.add(figures(r));
                  case 1 -> bySource.put(r.getString("source"), figures(r));
                  default -> total = figures(r);
                }
              }
              // with a source asked for, its figures are the total's
              if (q.source() != null && total.visits() > 0) bySource.put(q.source(), total);
              return new Report(q, cells, daily, bySource, total);
            }));
  }

  /** A rolled-up cell's values, read only where a range's percentiles are taken over them (whole days). */
  private static String valuesOf(String column) {
    return "CASE WHEN c.queue_id = coalesce($4::text, '*') AND c.source = coalesce($6::text, '*') THEN c." + column
        + " END AS " + column;
  }

  private static String liveVisits(String shownColumns, String shownJoin) {
    return " FROM (SELECT " + InsightsRollup.prefixed("v.") + shownColumns + ", " + InsightsRollup.ARRIVED_LOCAL
        + " AS arrived_local FROM insight_visit v" + shownJoin
        + " WHERE v.site_id = $1 AND v.day > coalesce(" + ROLLED + ", '-infinity')) v";
  }

  /** The {@code fraction} percentile(s) of the values in the {@code values} arrays of the whole days' cells. */
  private static String percentile(String fraction, String values) {
    return "(SELECT percentile_cont(" + fraction + ") WITHIN GROUP (ORDER BY x) FROM cells, unnest(" + values
        + ") x WHERE whole)";
  }

  /** The honesty of a row: over its called visits that were shown a wait (scored = both known). */
  private static EstimateHonesty honesty(Row r) {
    long n = r.getLong("estimates");
    return new EstimateHonesty(n, r.getDouble("mae"), r.getDouble("bias"), share(r.getLong("p90_covers"), n),
        share(r.getLong("range_holds"), n));
  }

  /** The punctuality of a row: over its visits with an appointment time that arrived. */
  private static Punctuality punctuality(Row r) {
    return new Punctuality(r.getLong("punctual_arrivals"), r.getLong("early"), r.getLong("late"),
        r.getDouble("lateness_median"));
  }

  /** The visits of a range, in arrival order; refused when more than {@link #MAX_EXPORT_ROWS}. */
  public Future<List<Visit>> visits(InsightsQuery q) {
    return requireQueueOfSite(q).compose(v -> pool.preparedQuery("SELECT v.day, v.queue_id, v.ticket, v.priority,"
            + " v.source, v.arrived_at, v.first_called_at, " + Cells.WAIT + "::bigint AS wait_seconds,"
            + " v.service_started_at, v.service_seconds, v.recalls, v.transferred_in, v.outcome"
            + VISITS + OF_QUERY + " ORDER BY v.day, v.arrived_at NULLS LAST, v.queue_id, v.ticket LIMIT "
            + (MAX_EXPORT_ROWS + 1))
        .execute(params(q)))
        .map(rows -> {
          if (rows.size() > MAX_EXPORT_ROWS) {
            throw new QueueException.Invalid("This range holds more than " + MAX_EXPORT_ROWS
                + " visits; export a shorter range at a time.");
          }
          return Rows.map(rows, r -> new Visit(r.getLocalDate("day"), r.getString("queue_id"),
              r.getString("ticket"), r.getString("priority"), r.getString("source"),
              Rows.instant(r.getOffsetDateTime("arrived_at")), Rows.instant(r.getOffsetDateTime("first_called_at")),
              r.getLong("wait_seconds"), Rows.instant(r.getOffsetDateTime("service_started_at")),
              r.getInteger("service_seconds"), r.getLong("recalls"), r.getBoolean("transferred_in"),
              r.getString("outcome")));
        });
  }

  /** Each queue of the site today (the site's local day), now. */
  public Future<List<LiveQueue>> live(String siteId) {
    Instant now = clock.instant();
    return pool.preparedQuery("SELECT time_zone FROM insight_queue WHERE site_id = $1 LIMIT 1")
        .execute(Tuple.of(siteId))
        .compose(zones -> {
          String zone = Rows.first(zones, r -> r.getString("time_zone"));
          if (zone == null) return Future.succeededFuture(List.of());
          LocalDate today = now.atZone(ZoneId.of(zone)).toLocalDate();
          return pool.preparedQuery("SELECT q.queue_id, q.name, q.staff_on_duty, q.max_wait_minutes,"
                  + " count(v.entry_id) FILTER (WHERE v.outcome = 'waiting') AS waiting,"
                  + " floor(extract(epoch FROM max($2 - v.arrived_at) FILTER (WHERE v.outcome = 'waiting')))::bigint"
                  + "   AS longest,"
                  + " count(v.entry_id) FILTER (WHERE v.first_called_at > $2 - interval '1 hour'"
                  + "   AND v.first_called_at <= $2) AS calls_last_hour,"
                  + " count(v.entry_id) FILTER (WHERE v.outcome = 'waiting'"
                  + "   AND $2 - v.arrived_at > make_interval(mins => q.max_wait_minutes)) AS past_max_wait"
                  + " FROM insight_queue q LEFT JOIN insight_visit v ON v.queue_id = q.queue_id AND v.day = $3"
                  + " WHERE q.site_id = $1"
                  + " GROUP BY q.queue_id, q.name, q.staff_on_duty, q.max_wait_minutes ORDER BY q.queue_id")
              .execute(Tuple.of(siteId, Rows.odt(now), today))
              .map(rows -> Rows.map(rows, r -> new LiveQueue(r.getString("queue_id"), r.getString("name"),
                  r.getInteger("staff_on_duty"), r.getInteger("max_wait_minutes"), r.getLong("waiting"),
                  r.getLong("longest"), r.getLong("calls_last_hour"), r.getLong("past_max_wait"))));
        });
  }

  /** Refuses a queue filter naming no queue of the site. */
  private Future<Void> requireQueueOfSite(InsightsQuery q) {
    if (q.queueId() == null) return Future.succeededFuture();
    return pool.preparedQuery("SELECT 1 FROM insight_queue WHERE site_id = $1 AND queue_id = $2")
        .execute(Tuple.of(q.siteId(), q.queueId()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new QueueException.Invalid("Queue '" + q.queueId() + "' is not a queue of site '" + q.siteId()
                + "'; choose one of its queues or none.");
          }
          return null;
        });
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  private static Tuple params(InsightsQuery q) {
    return Tuple.of(q.siteId(), q.from(), q.to(), q.queueId(),
        q.priority() == null ? null : q.priority().wire(), q.source());
  }

  private static Figures figures(Row r) {
    return new Figures(r.getLocalDate("day"), r.getString("queue_id"), r.getLong("visits"), r.getLong("arrivals"),
        r.getLong("called"), r.getDouble("wait_median"), r.getDouble("wait_p90"), r.getDouble("service_median"),
        r.getDouble("service_mean"), r.getLong("no_shows"), r.getLong("left_count"), r.getLong("transfers_in"),
        r.getLong("transfers_out"), r.getLong("recalls"), r.getLong("within_target"), honesty(r), punctuality(r));
  }
}
