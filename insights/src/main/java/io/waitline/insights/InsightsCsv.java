package io.waitline.insights;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The exports as CSV (RFC 4180, CRLF line ends) for a spreadsheet: a range's daily figures, and its visits. */
public final class InsightsCsv {
  private InsightsCsv() {}

  /**
   * One row per queue per day, then one per source (day and queue empty), then the range's total (all three empty);
   * shares as fractions.
   */
  public static String daily(Report report) {
    StringBuilder out = new StringBuilder("day,queue,source,visits,arrivals,called,wait_median_s,wait_p90_s,"
        + "service_median_s,service_mean_s,no_shows,left,transfers_in,transfers_out,recalls,called_within_target,"
        + "estimates,estimate_error_min,estimate_bias_min,p90_covers,range_holds,"
        + "appointment_arrivals,early,late,lateness_median_s\r\n");
    report.daily().forEach(f -> figures(out, f, null));
    report.bySource().forEach((source, f) -> figures(out, f, source));
    figures(out, report.total(), null);
    return out.toString();
  }

  private static void figures(StringBuilder out, Figures f, String source) {
    line(out, f.day(), f.queueId(), source, f.visits(), f.arrivals(), f.called(), f.waitMedianSeconds(),
        f.waitP90Seconds(), f.serviceMedianSeconds(), f.serviceMeanSeconds(), f.noShows(), f.left(), f.transfersIn(),
        f.transfersOut(), f.recalls(), f.calledWithinTarget(), f.honesty().estimates(),
        f.honesty().meanAbsErrorMinutes(), f.honesty().biasMinutes(), f.honesty().p90Covers(),
        f.honesty().rangeHolds(), f.punctuality().arrivals(), f.punctuality().early(), f.punctuality().late(),
        f.punctuality().latenessMedianSeconds());
  }

  /** One row per visit: its ticket, timestamps (UTC, ISO 8601) and outcome; no patient detail. */
  public static String visits(List<Visit> visits) {
    StringBuilder out = new StringBuilder("day,queue,ticket,priority,source,arrived_at,first_called_at,wait_s,"
        + "service_started_at,service_s,recalls,transferred_in,outcome\r\n");
    visits.forEach(v -> line(out, v.day(), v.queueId(), v.ticket(), v.priority(), v.source(), v.arrivedAt(),
        v.firstCalledAt(), v.waitSeconds(), v.serviceStartedAt(), v.serviceSeconds(), v.recalls(), v.transferredIn(),
        v.outcome()));
    return out.toString();
  }

  private static void line(StringBuilder out, Object... cells) {
    out.append(Stream.of(cells).map(InsightsCsv::cell).collect(Collectors.joining(","))).append("\r\n");
  }

  /** Empty for null; quoted (quotes doubled) when the text holds a comma, quote or line break. */
  private static String cell(Object value) {
    if (value == null) return "";
    String text = value.toString();
    boolean plain = text.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\r' || ch == '\n');
    return plain ? text : '"' + text.replace("\"", "\"\"") + '"';
  }
}
