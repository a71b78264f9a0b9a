package io.waitline.insights;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.QueueException;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.sql.Rows;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the daily rollups (this module's migrations) current: copies each site's closed days, visit by visit, from
 * queue-core's views into {@code insight_rollup_visit}, and sums them into the day's cells ({@link Cells}) and
 * arrivals by hour, so {@link Insights} reads past days from there. A day is
 * closed {@link #GRACE_DAYS} whole day after it ended at the site; its visits are copied as they are then (one still
 * called then stays called in the figures), and a later correction counts once the day is {@link #rebuild rebuilt}.
 * Nodes may run it at once: a site's roll-up is serialized by a transaction-scoped advisory lock.
 */
public final class InsightsRollup {
  /** The columns a rolled-up visit shares with queue-core's {@code insight_visit} view. */
  static final String COLUMNS = "site_id, day, entry_id, queue_id, ticket, priority, source, appointment_at,"
      + " arrived_at, first_called_at, service_started_at, service_seconds, recalls, transferred_in, outcome,"
      + " max_wait_minutes, time_zone";
  /**
   * The wait each visit was shown on joining the line, as {@code s.p50_minutes, s.p90_minutes} (null: none). Found
   * by entry id alone (an entry is in one queue): with the queue too, PostgreSQL ANDed the event index with the
   * queue's whole primary-key range, milliseconds per visit on a busy queue.
   */
  static final String SHOWN = " LEFT JOIN LATERAL (SELECT e.p50_minutes, e.p90_minutes FROM insight_shown_estimate e"
      + " WHERE e.entry_id = v.entry_id AND e.at = v.arrived_at LIMIT 1) s ON true";
  /** A view row's arrival on its site's clock, as {@code insight_rollup_visit.arrived_local} holds it. */
  static final String ARRIVED_LOCAL = "v.arrived_at AT TIME ZONE v.time_zone";
  // the copied visits of $1's days after $2 up to $3, cut every way: a '*' key is every queue, priority or source
  private static final String COPIED = " FROM insight_rollup_visit v"
      + " WHERE v.site_id = $1 AND v.day > coalesce($2::date, '-infinity') AND v.day <= $3";
  private static final String CUT = "coalesce(v.queue_id, '*'), coalesce(v.priority, '*'), coalesce(v.source, '*')";
  private static final String CELLS = "INSERT INTO insight_rollup_cell (site_id, day, queue_id, priority, source, "
      + Cells.COLUMNS + ") SELECT v.site_id, v.day, " + CUT + ", " + Cells.AGGREGATES + COPIED
      + " GROUP BY v.site_id, v.day, CUBE (v.queue_id, v.priority, v.source)";
  private static final String HOURS = "INSERT INTO insight_rollup_hour (site_id, day, queue_id, priority, source,"
      + " weekday, hour, arrivals) SELECT v.site_id, v.day, " + CUT + ", extract(isodow FROM v.arrived_local),"
      + " extract(hour FROM v.arrived_local), count(*)" + COPIED + " AND v.arrived_at IS NOT NULL"
      + " GROUP BY v.site_id, v.day, extract(isodow FROM v.arrived_local), extract(hour FROM v.arrived_local),"
      + " CUBE (v.queue_id, v.priority, v.source)";
  /** Whole days a day stays read from the views after it ended: the morning after, corrections still count. */
  static final int GRACE_DAYS = 1;

  private final Pool pool;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();

  public InsightsRollup(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Rolls up the closed days of every site not rolled up yet; yields how many visits were copied (none while an
   * earlier call of this instance is still at work).
   */
  public Future<Integer> rollUp() {
    if (!running.compareAndSet(false, true)) return Future.succeededFuture(0);
    return everySite()
        // fresh statistics, so the planner reads a range of days by the primary keys
        .compose(copied -> copied == 0 ? Future.succeededFuture(0)
            : pool.query("ANALYZE insight_rollup_visit, insight_rollup_cell, insight_rollup_hour").execute()
                .map(copied))
        .onComplete(done -> running.set(false));
  }

  private Future<Integer> everySite() {
    return pool.query("SELECT DISTINCT site_id, time_zone FROM insight_queue ORDER BY site_id").execute()
        .compose(sites -> {
          Future<Integer> added = Future.succeededFuture(0);
          for (var site : sites) {
            String siteId = site.getString("site_id");
            ZoneId zone = ZoneId.of(site.getString("time_zone"));
            added = added.compose(n -> rollUp(siteId, zone).map(m -> n + m));
          }
          return added;
        });
  }

  /**
   * The first day of a rebuild asked for in {@code text}: a past day of the site, at most {@link
   * InsightsQuery#MAX_DAYS} days back (one rebuild copies at most a year of visits), and not before the first day
   * whose visits keep their details under {@code retention}: older days keep the figures they were rolled up with.
   */
  public static LocalDate rebuildFrom(String text, LocalDate today, Retention retention) {
    if (text == null || text.isBlank()) throw new QueueException.Invalid("Say from which day to rebuild ('from').");
    LocalDate from = InsightsQuery.date("from", text, today);
    if (!from.isBefore(today)) {
      throw new QueueException.Invalid("Only past days are rolled up: 'from' is " + from + " and today is " + today
          + " at the site.");
    }
    LocalDate kept = retention.firstKeptDay(today);
    if (from.isBefore(kept)) {
      throw new QueueException.Invalid("Visits before " + kept + " are past the " + retention.days() + " days their"
          + " details are kept, so their days keep the figures they were rolled up with: rebuild from " + kept
          + " or later.");
    }
    LocalDate earliest = today.minusDays(InsightsQuery.MAX_DAYS);
    if (from.isBefore(earliest)) {
      throw new QueueException.Invalid("A rebuild goes back at most " + InsightsQuery.MAX_DAYS + " days: ask from "
          + earliest + " on, then earlier in further steps.");
    }
    return from;
  }

  /**
   * Forgets the site's rollup from {@code from} on and rolls those days up again from the views (after a
   * correction of past visits, say); yields how many visits were copied.
   */
  public Future<Integer> rebuild(String siteId, LocalDate from) {
    return pool.withTransaction(c -> lock(c, siteId)
            .compose(v -> c.preparedQuery("DELETE FROM insight_rollup_visit WHERE site_id = $1 AND day >= $2")
                .execute(Tuple.of(siteId, from)))
            .compose(v -> c.preparedQuery("DELETE FROM insight_rollup_cell WHERE site_id = $1 AND day >= $2")
                .execute(Tuple.of(siteId, from)))
            .compose(v -> c.preparedQuery("DELETE FROM insight_rollup_hour WHERE site_id = $1 AND day >= $2")
                .execute(Tuple.of(siteId, from)))
            .compose(v -> c.preparedQuery("UPDATE insight_rollup SET rolled_through = $2::date - 1"
                    + " WHERE site_id = $1 AND rolled_through >= $2")
                .execute(Tuple.of(siteId, from))))
        .compose(v -> pool.preparedQuery("SELECT time_zone FROM insight_queue WHERE site_id = $1 LIMIT 1")
            .execute(Tuple.of(siteId)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(0)
            : rollUp(siteId, ZoneId.of(Rows.first(rows, r -> r.getString("time_zone")))));
  }

  /** One site: the days after its rollup up to the last closed one, in one transaction. */
  private Future<Integer> rollUp(String siteId, ZoneId zone) {
    LocalDate last = clock.instant().atZone(zone).toLocalDate().minusDays(1 + GRACE_DAYS);
    return pool.withTransaction(c -> lock(c, siteId)
        .compose(v -> c.preparedQuery("SELECT rolled_through FROM insight_rollup WHERE site_id = $1")
            .execute(Tuple.of(siteId)))
        .compose(rows -> {
          LocalDate rolled = Rows.first(rows, r -> r.getLocalDate("rolled_through"));
          if (rolled != null && !rolled.isBefore(last)) return Future.succeededFuture(0);
          return c.preparedQuery("INSERT INTO insight_rollup_visit (" + COLUMNS + ", shown_p50_minutes,"
                  + " shown_p90_minutes, arrived_local) SELECT " + prefixed("v.") + ", s.p50_minutes, s.p90_minutes, "
                  + ARRIVED_LOCAL + " FROM insight_visit v" + SHOWN
                  + " WHERE v.site_id = $1 AND v.day > coalesce($2::date, '-infinity') AND v.day <= $3"
                  + " AND v.outcome NOT IN ('expected', 'cancelled')")
              .execute(Tuple.of(siteId, rolled, last))
              .compose(copied -> c.preparedQuery(CELLS).execute(Tuple.of(siteId, rolled, last)).map(copied))
              .compose(copied -> c.preparedQuery(HOURS).execute(Tuple.of(siteId, rolled, last)).map(copied))
              .compose(copied -> c.preparedQuery("INSERT INTO insight_rollup (site_id, rolled_through, rolled_at)"
                      + " VALUES ($1, $2, $3) ON CONFLICT (site_id) DO UPDATE"
                      + " SET rolled_through = excluded.rolled_through, rolled_at = excluded.rolled_at")
                  .execute(Tuple.of(siteId, last, Rows.odt(clock.instant())))
                  .map(v -> copied.rowCount()));
        }));
  }

  /** {@link #COLUMNS}, each with {@code prefix}. */
  static String prefixed(String prefix) {
    return prefix + COLUMNS.replace(", ", ", " + prefix);
  }

  private static Future<Void> lock(SqlConnection c, String siteId) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('insight_rollup:' || $1))")
        .execute(Tuple.of(siteId)).mapEmpty();
  }
}
