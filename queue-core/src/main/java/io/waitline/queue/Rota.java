package io.waitline.queue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A queue's planned week: which desks serve it on which weekday, and when. Each shift is one person at one desk; a
 * break is the gap between two shifts of the same desk, and two people at once are two desks. Desks are named as
 * they call patients ("Room 2"), so the estimator knows which planned desk is busy with whom.
 */
public record Rota(List<Shift> shifts) {
  public static final Rota NONE = new Rota(List.of());
  /** Bounds the rota a queue may hold, and with it the estimator's work per desk. */
  public static final int MAX_SHIFTS = 100;
  public static final int MAX_DESK_LENGTH = 40;

  /** One desk on one weekday from {@code from} until {@code to}, local time at the queue's site. */
  public record Shift(DayOfWeek day, String desk, LocalTime from, LocalTime to) {
    public Shift {
      desk = desk == null ? "" : desk.strip();
    }

    @Override
    public String toString() {
      return name(day) + " " + from + "–" + to + " at " + desk;
    }
  }

  /** Refuses, with a sentence for the person who planned it, a rota that cannot be worked. */
  public Rota {
    if (shifts.size() > MAX_SHIFTS) {
      throw new QueueException.Invalid("A rota holds at most " + MAX_SHIFTS + " shifts a week; this one has "
          + shifts.size() + ".");
    }
    List<Shift> sorted = new ArrayList<>(shifts);
    for (Shift s : sorted) {
      if (s.desk().isEmpty()) {
        throw new QueueException.Invalid("Every shift needs the desk or room it serves, named as the desk calls "
            + "patients (e.g. Room 2).");
      }
      if (s.desk().length() > MAX_DESK_LENGTH) {
        throw new QueueException.Invalid("The desk name '" + s.desk() + "' is longer than " + MAX_DESK_LENGTH
            + " characters.");
      }
      if (!s.to().isAfter(s.from())) {
        throw new QueueException.Invalid("The shift " + s + " ends before it starts; a shift ends later on the "
            + "same day (use 23:59 for the end of the day).");
      }
    }
    sorted.sort(Comparator.comparing(Shift::day).thenComparing(Shift::desk).thenComparing(Shift::from));
    for (int i = 1; i < sorted.size(); i++) {
      Shift a = sorted.get(i - 1);
      Shift b = sorted.get(i);
      if (a.day() == b.day() && a.desk().equals(b.desk()) && b.from().isBefore(a.to())) {
        throw new QueueException.Invalid("The shifts " + a + " and " + b.from() + "–" + b.to() + " overlap; one "
            + "desk works one shift at a time (two people at once are two desks, a break is a gap).");
      }
    }
    shifts = List.copyOf(sorted);
  }

  /** The shifts of {@code date}, as instants in the site's time zone: what the estimator plans with. */
  public List<QueueDay.Shift> on(LocalDate date, ZoneId zone) {
    List<QueueDay.Shift> today = new ArrayList<>();
    for (Shift s : shifts) {
      if (s.day() != date.getDayOfWeek()) continue;
      Instant from = date.atTime(s.from()).atZone(zone).toInstant();
      Instant to = date.atTime(s.to()).atZone(zone).toInstant();
      if (to.isAfter(from)) today.add(new QueueDay.Shift(s.desk(), from, to)); // else lost in a clock change
    }
    return today;
  }

  private static String name(DayOfWeek day) {
    String n = day.name();
    return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
  }
}
