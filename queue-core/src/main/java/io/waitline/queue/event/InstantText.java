package io.waitline.queue.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants in the text the event log stores ({@link Instant#toString()}'s, e.g. {@code 2026-12-02T03:24:57.873153Z}),
 * written and read without {@link java.time.format.DateTimeFormatter}: its general machinery was 9 % of the
 * server's samples in an import, where every event is written once and read back by each reader of the log. Text of
 * any other form (an offset, a leap second, a year past 9999) goes through {@link Instant#parse}.
 */
final class InstantText {
  private static final int[] NANOS_PER_DIGIT = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100,
      10, 1};

  private InstantText() {}

  /** Exactly {@link Instant#toString()}. */
  static String format(Instant i) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) return i.toString();
    String text = t.toString(); // uuuu-MM-ddTHH:mm, then :ss and the fraction in groups of three unless zero
    return t.getSecond() == 0 && t.getNano() == 0 ? text + ":00Z" : text + "Z";
  }

  /** Exactly {@link Instant#parse}, quicker for the form {@link #format} writes. */
  static Instant parse(String s) {
    int n = s.length();
    if (n >= 20 && n <= 30 && n != 21 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
        && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z' && (n == 20 || s.charAt(19) == '.')) {
      int second = digits(s, 17, 19);
      int fraction = n == 20 ? 0 : digits(s, 20, n - 1);
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 7);
      int day = digits(s, 8, 10);
      int hour = digits(s, 11, 13);
      int minute = digits(s, 14, 16);
      if (second >= 0 && second < 60 && fraction >= 0 && year >= 0 && month >= 0 && day >= 0 && hour >= 0
          && minute >= 0) {
        int nano = n == 20 ? 0 : fraction * NANOS_PER_DIGIT[n - 22];
        try {
          return LocalDateTime.of(year, month, day, hour, minute, second, nano).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException outOfRange) {
          // Instant.parse below says how, in its own words
        }
      }
    }
    return Instant.parse(s);
  }

  /** The decimal number {@code s[from, to)}, or -1 when it is not all ASCII digits. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
