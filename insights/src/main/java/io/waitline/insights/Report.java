package io.waitline.insights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a manager sees for a range: arrivals by local hour and weekday, the figures of each queue's day, of each source
 * (by its name, as {@link InsightsQuery#source()} names it; sources without visits are left out) and of the whole
 * range, each with the honesty of the waits shown at check-in and the punctuality of patients with appointments.
 */
public record Report(InsightsQuery query, List<ArrivalCell> arrivalsByHour, List<Figures> daily,
    Map<String, Figures> bySource, Figures total) {
  /** Arrivals on an ISO weekday (1 = Monday) in a local hour (0–23); cells without arrivals are left out. */
  public record ArrivalCell(int weekday, int hour, long arrivals) {}

  public Report {
    arrivalsByHour = List.copyOf(arrivalsByHour);
    daily = List.copyOf(daily);
    bySource = Collections.unmodifiableMap(new LinkedHashMap<>(bySource));
  }
}
