package io.waitline.insights;

/**
 * How patients with an appointment arrived against its time, over the range's visits that had an appointment and
 * arrived: lateness is arrival minus appointment time (below zero: early).
 *
 * @param arrivals visits with an appointment time that joined the line
 * @param early arrived before their appointment time
 * @param late arrived after it
 * @param latenessMedianSeconds median lateness, rounded to a tenth of a second; null without arrivals
 */
public record Punctuality(long arrivals, long early, long late, Double latenessMedianSeconds) {
  /** Early arrivals among the arrivals; null without arrivals. */
  public Double earlyShare() {
    return arrivals == 0 ? null : (double) early / arrivals;
  }

  /** Late arrivals among the arrivals; null without arrivals. */
  public Double lateShare() {
    return arrivals == 0 ? null : (double) late / arrivals;
  }
}
