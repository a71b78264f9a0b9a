package io.waitline.insights;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.QueueException;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.sql.Rows;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

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
  private static final String VISITS = visits(false);
  private static final String VISITS_WITH_SHOWN = visits(true);
  private static final String OF_QUERY = " WHERE v.site_id = $1"
      + " AND v.day BETWEEN $2 AND $3 AND v.outcome NOT IN ('expected', 'cancelled')"
      + " AND ($4::text IS NULL OR v.queue_id = $4) AND ($5::text IS NULL OR v.priority = $5)"
      + " AND ($6::text IS NULL OR v.source = $6)";
  private static final String WAIT = "extract(epoch FROM v.first_called_at - v.arrived_at)";
  // the waits shown against the waits had, as estimate-bench's Scorer judges them: each aggregate skips the visits
  // not called or not shown a wait (their error, or comparison, is null)
  private static final String ERROR = "(v.shown_p50_minutes - " + WAIT + " / 60)";
  private static final String RANGE_LOW = "(greatest(0, 2 * v.shown_p50_minutes - v.shown_p90_minutes) / 5 * 5)";
  private static final String RANGE_HIGH = "greatest(" + RANGE_LOW + " + 5, (v.shown_p90_minutes + 4) / 5 * 5)";
  private static final String HONESTY = " count(" + ERROR + ") AS estimates,"
      + " " + tenths("avg(abs(" + ERROR + "))") + " AS mae, " + tenths("avg(" + ERROR + ")") + " AS bias,"
      + " count(*) FILTER (WHERE " + WAIT + " <= v.shown_p90_minutes * 60) AS p90_covers,"
      + " count(*) FILTER (WHERE CASE WHEN v.shown_p90_minutes > " + WaitEstimate.DISPLAY_CAP_MINUTES
      + "   THEN " + WAIT + " > " + WaitEstimate.DISPLAY_CAP_MINUTES * 60
      + "   ELSE " + WAIT + " BETWEEN " + RANGE_LOW + " * 60 AND " + RANGE_HIGH + " * 60 END) AS range_holds,";
  // arrival minus appointment time, null without either
  private static final String LATENESS = "extract(epoch FROM v.arrived_at - v.appointment_at)";
  private static final String PUNCTUALITY = " count(" + LATENESS + ") AS punctual_arrivals,"
      + " count(*) FILTER (WHERE " + LATENESS + " < 0) AS early, count(*) FILTER (WHERE " + LATENESS + " > 0) AS late,"
      + " " + tenths("percentile_cont(0.5) WITHIN GROUP (ORDER BY " + LATENESS + ")") + " AS lateness_median,";

  private final Pool pool;
  private final Clock clock;

  public Insights(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The figures of a range: arrivals by hour and weekday, each queue's days, and the range's totals. */
  public Future<Report> report(InsightsQuery q) {
    return requireQueueOfSite(q).compose(v -> pool.preparedQuery("SELECT"
            + " extract(isodow FROM v.arrived_local)::int AS weekday,"
            + " extract(hour FROM v.arrived_local)::int AS hour, count(*) AS arrivals"
            + VISITS + OF_QUERY + " AND v.arrived_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")
        .execute(params(q))
        .map(rows -> Rows.map(rows, r -> new Report.ArrivalCell(r.getInteger("weekday"), r.getInteger("hour"),
            r.getLong("arrivals")))))
        // one pass over the range's visits: each queue's day, and the total with its honesty and punctuality
        .compose(cells -> pool.preparedQuery("SELECT v.day, v.queue_id, count(*) AS visits,"
                + " count(v.arrived_at) AS arrivals, count(v.first_called_at) AS called,"
                + " " + tenths("percentile_cont(0.5) WITHIN GROUP (ORDER BY " + WAIT + ")") + " AS wait_median,"
                + " " + tenths("percentile_cont(0.9) WITHIN GROUP (ORDER BY " + WAIT + ")") + " AS wait_p90,"
                + " " + tenths("percentile_cont(0.5) WITHIN GROUP (ORDER BY v.service_seconds)") + " AS service_median,"
                + " " + tenths("avg(v.service_seconds)") + " AS service_mean,"
                + " count(*) FILTER (WHERE v.outcome = 'no_show') AS no_shows,"
                + " count(*) FILTER (WHERE v.outcome = 'left') AS left_count,"
                + " count(*) FILTER (WHERE v.transferred_in) AS transfers_in,"
                + " count(*) FILTER (WHERE v.outcome = 'transferred') AS transfers_out,"
                + " coalesce(sum(v.recalls), 0)::bigint AS recalls,"
                + " count(*) FILTER (WHERE v.first_called_at - v.arrived_at"
                + "   <= make_interval(mins => v.max_wait_minutes)) AS within_target,"
                + HONESTY + PUNCTUALITY
                + " GROUPING(v.day, v.queue_id) AS is_total"
                + VISITS_WITH_SHOWN + OF_QUERY
                + " GROUP BY GROUPING SETS ((v.day, v.queue_id), ()) ORDER BY is_total, v.day, v.queue_id")
            .execute(params(q))
            .map(rows -> {
              List<Figures> daily = new ArrayList<>();
              Row total = null;
              for (Row r : rows) {
                // the grand total (GROUPING = 3) sorts last
                if (total != null) daily.add(figures(total));
                total = r;
              }
              return new Report(q, cells, daily, figures(total), honesty(total), punctuality(total));
            }));
  }

  /** The honesty of a total row: over its called visits that were shown a wait (scored = both known). */
  private static EstimateHonesty honesty(Row r) {
    long n = r.getLong("estimates");
    return new EstimateHonesty(n, r.getDouble("mae"), r.getDouble("bias"), share(r.getLong("p90_covers"), n),
        share(r.getLong("range_holds"), n));
  }

  /** The punctuality of a total row: over its visits with an appointment time that arrived. */
  private static Punctuality punctuality(Row r) {
    return new Punctuality(r.getLong("punctual_arrivals"), r.getLong("early"), r.getLong("late"),
        r.getDouble("lateness_median"));
  }

  /** The visits of a range, in arrival order; refused when more than {@link #MAX_EXPORT_ROWS}. */
  public Future<List<Visit>> visits(InsightsQuery q) {
    return requireQueueOfSite(q).compose(v -> pool.preparedQuery("SELECT v.day, v.queue_id, v.ticket, v.priority,"
            + " v.source, v.arrived_at, v.first_called_at, " + WAIT + "::bigint AS wait_seconds,"
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

  /**
   * The visits of the site ({@code $1}) as {@code v}, rolled-up days and the others alike; with {@code shown}, each
   * with the wait it was shown as {@code v.shown_p50_minutes, v.shown_p90_minutes} (else null: the view's rows
   * skip looking it up).
   */
  private static String visits(boolean shown) {
    String live = (shown ? ", s.p50_minutes, s.p90_minutes, " : ", NULL::int, NULL::int, ")
        + InsightsRollup.ARRIVED_LOCAL + " FROM insight_visit v" + (shown ? InsightsRollup.SHOWN : "");
    return " FROM (SELECT " + InsightsRollup.COLUMNS + ", shown_p50_minutes, shown_p90_minutes, arrived_local"
        + " FROM insight_rollup_visit WHERE site_id = $1 AND day <= " + ROLLED
        + " UNION ALL SELECT " + InsightsRollup.prefixed("v.") + live
        + " WHERE v.site_id = $1 AND v.day > coalesce(" + ROLLED + ", '-infinity')) v";
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /** A duration in seconds, rounded to a tenth (percentiles interpolate, means divide). */
  private static String tenths(String seconds) {
    return "round((" + seconds + ")::numeric, 1)::float8";
  }

  private static Tuple params(InsightsQuery q) {
    return Tuple.of(q.siteId(), q.from(), q.to(), q.queueId(),
        q.priority() == null ? null : q.priority().wire(), q.source() == null ? null : q.source().wire());
  }

  private static Figures figures(Row r) {
    return new Figures(r.getLocalDate("day"), r.getString("queue_id"), r.getLong("visits"), r.getLong("arrivals"),
        r.getLong("called"), r.getDouble("wait_median"), r.getDouble("wait_p90"), r.getDouble("service_median"),
        r.getDouble("service_mean"), r.getLong("no_shows"), r.getLong("left_count"), r.getLong("transfers_in"),
        r.getLong("transfers_out"), r.getLong("recalls"), r.getLong("within_target"));
  }
}
