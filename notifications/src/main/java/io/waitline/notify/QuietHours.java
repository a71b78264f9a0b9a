package io.waitline.notify;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A daily window, in a site's time zone, in which non-urgent messages wait. The window may span midnight
 * (21:00–08:00). Urgent messages ("you are called") are never held.
 */
public record QuietHours(LocalTime start, LocalTime end) {
  public QuietHours {
    if (start.equals(end)) throw new IllegalArgumentException("quiet hours must not start and end at the same time");
  }

  /** Parses {@code 21:00-08:00}. */
  public static QuietHours parse(String s) {
    String[] parts = s.trim().split("\\s*-\\s*");
    if (parts.length != 2) throw new IllegalArgumentException("quiet hours look like 21:00-08:00, got '" + s + "'");
    return new QuietHours(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]));
  }

  public boolean contains(LocalTime t) {
    return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
  }

  /** When a message due {@code now} may go out: null if now is outside the window, else the window's end. */
  public Instant holdUntil(Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    if (!contains(local.toLocalTime())) return null;
    LocalDate day = local.toLocalTime().isBefore(end) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
    return ZonedDateTime.of(day, end, zone).toInstant();
  }

  @Override
  public String toString() {
    return start + "-" + end;
  }
}
