package io.waitline.insights;

import io.waitline.queue.WaitEstimate;
import java.util.function.UnaryOperator;

/**
 * The SQL of a cell: the sums and exact percentiles of one set of visits ({@code v}, rows shaped as
 * {@code insight_rollup_visit}'s), as the daily rollup keeps them per day × queue × priority × source
 * ({@code insight_rollup_cell}) and as {@link Insights} computes them for the days not rolled up yet. A cell also
 * holds its waits, service times and lateness values, so the percentiles of a range are taken over its visits' own
 * values, not estimated from the days'.
 */
final class Cells {
  private Cells() {}

  /** Arrival to first call, in seconds (numeric); null when not both. */
  static final String WAIT = "extract(epoch FROM v.first_called_at - v.arrived_at)";
  /** Arrival minus appointment time, in seconds (numeric); null without either. */
  static final String LATENESS = "extract(epoch FROM v.arrived_at - v.appointment_at)";
  // the waits shown against the waits had, as estimate-bench's Scorer judges them: each aggregate skips the visits
  // not called or not shown a wait (their error, or comparison, is null)
  private static final String ERROR = "(v.shown_p50_minutes - " + WAIT + " / 60)";
  private static final String RANGE_LOW = "(greatest(0, 2 * v.shown_p50_minutes - v.shown_p90_minutes) / 5 * 5)";
  private static final String RANGE_HIGH = "greatest(" + RANGE_LOW + " + 5, (v.shown_p90_minutes + 4) / 5 * 5)";

  /** The columns of a cell after its key, in {@code insight_rollup_cell}'s order. */
  static final String COLUMNS = "visits, arrivals, called, no_shows, left_count, transfers_in, transfers_out,"
      + " recalls, within_target, wait_median, wait_p90, service_median, services, service_sum, estimates,"
      + " error_abs_sum, error_sum, p90_covers, range_holds, punctual_arrivals, early, late, lateness_median,"
      + " waits, service_times, latenesses";

  /** {@link #COLUMNS} computed over the visits of a group. */
  static final String AGGREGATES = "count(*), count(v.arrived_at), count(v.first_called_at),"
      + " count(*) FILTER (WHERE v.outcome = 'no_show'), count(*) FILTER (WHERE v.outcome = 'left'),"
      + " count(*) FILTER (WHERE v.transferred_in), count(*) FILTER (WHERE v.outcome = 'transferred'),"
      + " coalesce(sum(v.recalls), 0)::bigint,"
      + " count(*) FILTER (WHERE v.first_called_at - v.arrived_at <= make_interval(mins => v.max_wait_minutes)),"
      + " percentile_cont(0.5) WITHIN GROUP (ORDER BY " + WAIT + "),"
      + " percentile_cont(0.9) WITHIN GROUP (ORDER BY " + WAIT + "),"
      + " percentile_cont(0.5) WITHIN GROUP (ORDER BY v.service_seconds),"
      + " count(v.service_seconds), coalesce(sum(v.service_seconds), 0)::bigint,"
      + " count(" + ERROR + "), coalesce(sum(abs(" + ERROR + ")), 0), coalesce(sum(" + ERROR + "), 0),"
      + " count(*) FILTER (WHERE " + WAIT + " <= v.shown_p90_minutes * 60),"
      + " count(*) FILTER (WHERE CASE WHEN v.shown_p90_minutes > " + WaitEstimate.DISPLAY_CAP_MINUTES
      + "   THEN " + WAIT + " > " + WaitEstimate.DISPLAY_CAP_MINUTES * 60
      + "   ELSE " + WAIT + " BETWEEN " + RANGE_LOW + " * 60 AND " + RANGE_HIGH + " * 60 END),"
      + " count(" + LATENESS + "), count(*) FILTER (WHERE " + LATENESS + " < 0),"
      + " count(*) FILTER (WHERE " + LATENESS + " > 0),"
      + " percentile_cont(0.5) WITHIN GROUP (ORDER BY " + LATENESS + "),"
      + " coalesce(array_agg(" + WAIT + "::float8) FILTER (WHERE " + WAIT + " IS NOT NULL), '{}'),"
      + " coalesce(array_agg(v.service_seconds) FILTER (WHERE v.service_seconds IS NOT NULL), '{}'),"
      + " coalesce(array_agg(" + LATENESS + "::float8) FILTER (WHERE " + LATENESS + " IS NOT NULL), '{}')";

  /**
   * The figures of one cell ({@code sum} the identity), or of several summed ({@code sum} wraps a column in an
   * aggregate), as the columns {@link Insights} reads; the percentiles are not among them.
   */
  static String figures(UnaryOperator<String> sum) {
    UnaryOperator<String> count = column -> "coalesce(" + sum.apply(column) + ", 0)::bigint AS " + column;
    return String.join(", ", count.apply("visits"), count.apply("arrivals"), count.apply("called"),
        count.apply("no_shows"), count.apply("left_count"), count.apply("transfers_in"),
        count.apply("transfers_out"), count.apply("recalls"), count.apply("within_target"),
        tenths(sum.apply("service_sum") + "::numeric / nullif(" + sum.apply("services") + ", 0)") + " AS service_mean",
        count.apply("estimates"),
        tenths(sum.apply("error_abs_sum") + " / nullif(" + sum.apply("estimates") + ", 0)") + " AS mae",
        tenths(sum.apply("error_sum") + " / nullif(" + sum.apply("estimates") + ", 0)") + " AS bias",
        count.apply("p90_covers"), count.apply("range_holds"), count.apply("punctual_arrivals"),
        count.apply("early"), count.apply("late"));
  }

  /** A duration in seconds, rounded to a tenth (percentiles interpolate, means divide). */
  static String tenths(String seconds) {
    return "round((" + seconds + ")::numeric, 1)::float8";
  }
}
