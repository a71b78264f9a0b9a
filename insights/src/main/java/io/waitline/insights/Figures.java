package io.waitline.insights;

import java.time.LocalDate;

/**
 * The figures of a set of visits: one queue's day, or (with {@code day} and {@code queueId} null) the whole range.
 * Durations are in seconds, rounded to a tenth; a median, P90 or mean is null when no visit has the duration.
 *
 * @param visits every visit of the set (cancelled appointments and patients still only expected are not visits)
 * @param arrivals the visits that joined the waiting line
 * @param called the visits called at least once
 * @param calledWithinTarget the visits first called within their queue's maximum wait of their arrival
 * @param honesty how the waits shown at check-in compared with the waits had
 * @param punctuality how patients with an appointment arrived against its time
 */
public record Figures(LocalDate day, String queueId, long visits, long arrivals, long called,
    Double waitMedianSeconds, Double waitP90Seconds, Double serviceMedianSeconds, Double serviceMeanSeconds,
    long noShows, long left, long transfersIn, long transfersOut, long recalls, long calledWithinTarget,
    EstimateHonesty honesty, Punctuality punctuality) {

  /** No-shows among the visits; null without visits. */
  public Double noShowRate() {
    return share(noShows, visits);
  }

  /** Patients who left without being seen, among the visits; null without visits. */
  public Double leftRate() {
    return share(left, visits);
  }

  /** Arrivals called within their queue's target; null without arrivals. */
  public Double withinTargetShare() {
    return share(calledWithinTarget, arrivals);
  }

  private static Double share(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }
}
