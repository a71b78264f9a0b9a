package io.waitline.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rota is refused when it cannot be worked, and becomes the day's planned shifts in the site's time zone. */
class RotaTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static Rota.Shift shift(DayOfWeek day, String desk, String from, String to) {
    return new Rota.Shift(day, desk, LocalTime.parse(from), LocalTime.parse(to));
  }

  @Test
  void aBreakIsTheGapBetweenTwoShiftsOfADeskAndTheDayGivesThoseShiftsAsInstants() {
    Rota rota = new Rota(List.of(shift(DayOfWeek.FRIDAY, "Room 1", "13:00", "17:00"),
        shift(DayOfWeek.FRIDAY, "Room 1", "08:00", "12:00"), shift(DayOfWeek.MONDAY, "Room 2", "08:00", "12:00")));

    List<QueueDay.Shift> friday = rota.on(LocalDate.of(2026, 11, 20), PARIS);

    assertThat(friday).containsExactly(
        new QueueDay.Shift("Room 1", Instant.parse("2026-11-20T07:00:00Z"), Instant.parse("2026-11-20T11:00:00Z")),
        new QueueDay.Shift("Room 1", Instant.parse("2026-11-20T12:00:00Z"), Instant.parse("2026-11-20T16:00:00Z")));
    assertThat(rota.on(LocalDate.of(2026, 11, 21), PARIS)).isEmpty();
  }

  @Test
  void shiftsAreKeptInDayDeskAndStartOrderWithDeskNamesTrimmed() {
    Rota rota = new Rota(List.of(shift(DayOfWeek.TUESDAY, " Room 2 ", "09:00", "10:00"),
        shift(DayOfWeek.MONDAY, "Room 3", "11:00", "12:00"), shift(DayOfWeek.MONDAY, "Room 3", "08:00", "09:00")));

    assertThat(rota.shifts()).containsExactly(shift(DayOfWeek.MONDAY, "Room 3", "08:00", "09:00"),
        shift(DayOfWeek.MONDAY, "Room 3", "11:00", "12:00"), shift(DayOfWeek.TUESDAY, "Room 2", "09:00", "10:00"));
  }

  @Test
  void twoDesksMayWorkAtOnceAndOneDeskMayStartWhenItsLastShiftEnds() {
    Rota rota = new Rota(List.of(shift(DayOfWeek.MONDAY, "Room 1", "08:00", "12:00"),
        shift(DayOfWeek.MONDAY, "Room 2", "08:00", "12:00"), shift(DayOfWeek.MONDAY, "Room 1", "12:00", "13:00")));

    assertThat(rota.shifts()).hasSize(3);
  }

  @Test
  void overlappingShiftsOfOneDeskAreRefusedWithBothShiftsNamed() {
    assertThatThrownBy(() -> new Rota(List.of(shift(DayOfWeek.MONDAY, "Room 1", "08:00", "12:00"),
        shift(DayOfWeek.MONDAY, "Room 1", "11:30", "14:00"))))
        .isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The shifts Monday 08:00–12:00 at Room 1 and 11:30–14:00 overlap; one desk works one shift at "
            + "a time (two people at once are two desks, a break is a gap).");
  }

  @Test
  void aShiftThatEndsBeforeItStartsOrAtOnceIsRefused() {
    assertThatThrownBy(() -> new Rota(List.of(shift(DayOfWeek.SUNDAY, "Lab", "22:00", "06:00"))))
        .isInstanceOf(QueueException.Invalid.class)
        .hasMessage("The shift Sunday 22:00–06:00 at Lab ends before it starts; a shift ends later on the same day "
            + "(use 23:59 for the end of the day).");
    assertThatThrownBy(() -> new Rota(List.of(shift(DayOfWeek.SUNDAY, "Lab", "09:00", "09:00"))))
        .isInstanceOf(QueueException.Invalid.class);
  }

  @Test
  void aShiftWithoutADeskOrWithAnOverlongOneIsRefused() {
    assertThatThrownBy(() -> new Rota(List.of(shift(DayOfWeek.MONDAY, "  ", "08:00", "09:00"))))
        .isInstanceOf(QueueException.Invalid.class).hasMessageContaining("needs the desk or room");
    assertThatThrownBy(() -> new Rota(List.of(shift(DayOfWeek.MONDAY, "R".repeat(41), "08:00", "09:00"))))
        .isInstanceOf(QueueException.Invalid.class).hasMessageContaining("longer than 40 characters");
  }

  @Test
  void aRotaHoldsAtMostAHundredShifts() {
    List<Rota.Shift> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) many.add(shift(DayOfWeek.MONDAY, "Desk " + i, "08:00", "09:00"));

    assertThatThrownBy(() -> new Rota(many)).isInstanceOf(QueueException.Invalid.class)
        .hasMessage("A rota holds at most 100 shifts a week; this one has 101.");
    assertThat(new Rota(many.subList(0, 100)).shifts()).hasSize(100);
  }

  @Test
  void onTheDayTheClocksGoForwardAShiftOfTheSkippedHourIsLeftOut() {
    // Paris skips 02:00–03:00 on 2026-03-29 (a Sunday)
    Rota rota = new Rota(List.of(shift(DayOfWeek.SUNDAY, "Night desk", "02:00", "03:00"),
        shift(DayOfWeek.SUNDAY, "Night desk", "03:00", "06:00")));

    assertThat(rota.on(LocalDate.of(2026, 3, 29), PARIS)).containsExactly(new QueueDay.Shift("Night desk",
        Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T04:00:00Z")));
  }
}
