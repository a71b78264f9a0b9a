package io.waitline.insights;

import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * Which visits a manager asks about: a site, local days {@code from}..{@code to} (both included, in the site's time
 * zone) and optional filters. {@link #parse} turns request text into one, refusing bad input with a sentence.
 *
 * @param queueId null for every queue of the site
 * @param priority null for every priority
 * @param source null for every source; else how the visits reached the queue: {@code walk_in} (at a desk, without
 *     an appointment), {@code kiosk} (checked in at a kiosk), {@code appointment} (booked in Waitline), or
 *     {@code source:} and an appointment source's name (booked by that integration)
 */
public record InsightsQuery(String siteId, LocalDate from, LocalDate to, String queueId, Priority priority,
    String source) {
  /** The longest range one request may cover, so no request reads more than a year of visits. */
  public static final int MAX_DAYS = 366;
  /** How an appointment source's visits are named: this, then the source's name. */
  public static final String SOURCE_PREFIX = "source:";
  private static final Set<String> SOURCES = Set.of("walk_in", "kiosk", "appointment");

  public InsightsQuery {
    if (from.isAfter(to)) {
      throw new QueueException.Invalid("The range starts on " + from + ", after its end on " + to
          + "; give 'from' on or before 'to'.");
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw new QueueException.Invalid("The range covers " + days + " days; ask for at most " + MAX_DAYS
          + " days at a time.");
    }
  }

  /**
   * A query from request parameters: a missing {@code from} or {@code to} is {@code today} (the site's local day);
   * null or blank filters mean "all".
   */
  public static InsightsQuery parse(String siteId, String from, String to, String queueId, String priority,
      String source, LocalDate today) {
    return new InsightsQuery(siteId, date("from", from, today), date("to", to, today), blankToNull(queueId),
        priority(priority), source(source));
  }

  static LocalDate date(String name, String text, LocalDate today) {
    if (blankToNull(text) == null) return today;
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new QueueException.Invalid("'" + name + "' is '" + text + "', which is not a date like 2026-03-29.");
    }
  }

  private static Priority priority(String text) {
    if (blankToNull(text) == null) return null;
    for (Priority p : Priority.values()) if (p.wire().equals(text)) return p;
    throw new QueueException.Invalid("Priority '" + text + "' is unknown; use urgent, high or normal.");
  }

  private static String source(String text) {
    if (blankToNull(text) == null) return null;
    boolean named = text.startsWith(SOURCE_PREFIX) && !text.substring(SOURCE_PREFIX.length()).isBlank();
    if (named || SOURCES.contains(text)) return text;
    throw new QueueException.Invalid("Source '" + text + "' is unknown; use walk_in, kiosk, appointment, or "
        + SOURCE_PREFIX + " and the name of an appointment source.");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
