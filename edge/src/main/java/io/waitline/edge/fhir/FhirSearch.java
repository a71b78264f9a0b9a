package io.waitline.edge.fhir;

import io.waitline.edge.pipeline.Problems;
import io.waitline.queue.read.DayVisit;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search parameters of Waitline's FHIR searches, read and checked: the queue ({@code location}), the local days
 * ({@code date} with the prefixes eq, ge, gt, le and lt, in the site's time zone), the page size ({@code _count}, at
 * most {@link #MAX_COUNT}) and where the page starts ({@code _page}, from a {@code next} link). A search covers at
 * most {@link #MAX_DAYS} days, so no request reads more than one page of a bounded range.
 *
 * @param from the first day (inclusive)
 * @param to the day after the last (exclusive)
 * @param after null for the first page
 */
public record FhirSearch(String queueId, LocalDate from, LocalDate to, int count, DayVisit.Cursor after) {
  public static final int DEFAULT_COUNT = 50;
  public static final int MAX_COUNT = 200;
  public static final int MAX_DAYS = 31;
  private static final Pattern DATE = Pattern.compile("^(eq|ge|gt|le|lt)?(\\d{4}-\\d{2}-\\d{2})$");

  /**
   * The search a request asks for; {@code today} is the site's local day, searched when no date is given. Fails with
   * {@link Problems.BadRequest} saying what is wrong.
   */
  public static FhirSearch of(String location, List<String> dates, String count, String page, LocalDate today) {
    LocalDate from = null;
    LocalDate to = null;
    for (String date : dates) {
      Matcher m = DATE.matcher(date);
      if (!m.matches()) {
        String shown = date.length() > 40 ? date.substring(0, 40) + "…" : date;
        throw new Problems.BadRequest("The date '" + shown + "' is not a day: Waitline searches whole days in the"
            + " site's time zone, written like 2026-05-01, optionally after eq, ge, gt, le or lt.");
      }
      LocalDate day = day(m.group(2));
      String prefix = m.group(1) == null ? "eq" : m.group(1);
      switch (prefix) {
        case "eq" -> {
          from = later(from, day);
          to = earlier(to, day.plusDays(1));
        }
        case "ge" -> from = later(from, day);
        case "gt" -> from = later(from, day.plusDays(1));
        case "le" -> to = earlier(to, day.plusDays(1));
        default -> to = earlier(to, day); // lt
      }
    }
    if (dates.isEmpty()) {
      from = today;
      to = today.plusDays(1);
    }
    if (from == null || to == null) {
      throw new Problems.BadRequest("A date range needs both ends, such as date=ge2026-05-01&date=lt2026-05-08.");
    }
    if (ChronoUnit.DAYS.between(from, to) > MAX_DAYS) {
      throw new Problems.BadRequest("A search covers at most " + MAX_DAYS + " days; ask for a shorter range.");
    }
    return new FhirSearch(queueId(location), from, to, count(count), cursor(page));
  }

  /** The queue a {@code location} names: its id, or {@code Location/} and its id. */
  public static String queueId(String location) {
    return location.startsWith("Location/") ? location.substring("Location/".length()) : location;
  }

  /** Whether the range holds no day (e.g. ge a day and lt the same day): nothing to read. */
  public boolean empty() {
    return !from.isBefore(to);
  }

  /** The {@code _page} value of the page after the one that ended at {@code last}. */
  public static String page(DayVisit.Cursor last) {
    String plain = last.createdAt() + "~" + last.id();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  private static DayVisit.Cursor cursor(String page) {
    if (page == null) return null;
    try {
      String plain = new String(Base64.getUrlDecoder().decode(page), StandardCharsets.UTF_8);
      int cut = plain.indexOf('~');
      return new DayVisit.Cursor(Instant.parse(plain.substring(0, cut)), UUID.fromString(plain.substring(cut + 1)));
    } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
      throw new Problems.BadRequest("The _page value is not one of Waitline's page links; start the search again"
          + " from its first page and follow the next links.");
    }
  }

  private static int count(String count) {
    if (count == null) return DEFAULT_COUNT;
    try {
      long asked = Long.parseLong(count);
      if (asked < 1) throw new NumberFormatException();
      return (int) Math.min(asked, MAX_COUNT);
    } catch (NumberFormatException e) {
      if (count.matches("^[0-9]{19,}$") && !count.matches("^0+$")) return MAX_COUNT; // more than a long holds
      throw new Problems.BadRequest("_count must be a whole number from 1; pages hold at most " + MAX_COUNT
          + " resources.");
    }
  }

  private static LocalDate day(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new Problems.BadRequest("The date " + text + " does not exist.");
    }
  }

  private static LocalDate later(LocalDate a, LocalDate b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static LocalDate earlier(LocalDate a, LocalDate b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
