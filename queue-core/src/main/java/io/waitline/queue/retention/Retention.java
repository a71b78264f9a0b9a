package io.waitline.queue.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * How long patient details are kept: the node's setting ({@code WAITLINE_RETENTION_DAYS}, docs/operations.md). A
 * visit's details are removed once its day is more than {@code days} days before today at its site; records kept
 * by time (messages, subscriptions, payments) once they are more than {@code days} days old. Aggregates stay.
 */
public record Retention(int days) {
  /** Half a year: past the card networks' usual 120-day dispute window and a season of follow-up questions. */
  public static final int DEFAULT_DAYS = 180;
  /** At least a week, so the insights rollup (two days behind) has copied every day before it is stripped. */
  public static final int MIN_DAYS = 7;
  public static final int MAX_DAYS = 3650;
  public static final Retention DEFAULT = new Retention(DEFAULT_DAYS);

  public Retention {
    if (days < MIN_DAYS || days > MAX_DAYS) {
      throw new IllegalArgumentException("retention must be from " + MIN_DAYS + " to " + MAX_DAYS + " days, got "
          + days);
    }
  }

  /** The first day at a site whose visits keep their details, when it is {@code today} there. */
  public LocalDate firstKeptDay(LocalDate today) {
    return today.minusDays(days);
  }

  /** Records written before this instant are past retention. */
  public Instant cutoff(Instant now) {
    return now.minus(Duration.ofDays(days));
  }
}
