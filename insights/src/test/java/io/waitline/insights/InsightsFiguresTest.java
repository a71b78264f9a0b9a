package io.waitline.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.WaitEstimate;
import io.waitline.queue.command.QueueCommands;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every figure of a small clinic day whose answers are computed by hand (in the comments), on real PostgreSQL; a
 * day across the spring-forward change in London; and today's live figures.
 */
class InsightsFiguresTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  /** A Tuesday in November: London is on UTC, so local times read as the UTC instants below. */
  static final LocalDate DAY = LocalDate.parse("2026-11-17");
  private static ClinicDay clinic;

  @BeforeAll
  static void playTheDay() {
    clinic = new ClinicDay();
    playTheHandComputedDay(clinic);
  }

  /** Site "day", {@link #DAY}: the clinic day whose figures the comments compute; yields P7, the last served. */
  static UUID playTheHandComputedDay(ClinicDay clinic) {
    clinic.site("day", LONDON);
    ServiceQueue a = clinic.queue("day", "a", 30);
    ServiceQueue b = clinic.queue("day", "b", 20);
    var qc = clinic.commands;
    // an appointment cancelled before the day: not a visit
    UUID cancelled = clinic.at("2026-11-16T08:00:00Z").expect(a, "2026-11-17T14:00:00Z");
    clinic.get(qc.cancel(cancelled, "pms"));
    UUID p3 = clinic.at("2026-11-16T08:01:00Z").expect(a, "2026-11-17T10:00:00Z");

    // P1: arrives 09:00, called 09:10 (wait 600), served 09:12–09:22 (600)
    UUID p1 = clinic.at("2026-11-17T09:00:00Z").walkIn(a, Priority.NORMAL);
    // P2: arrives 09:05, waits for P1
    UUID p2 = clinic.at("2026-11-17T09:05:00Z").walkIn(a, Priority.NORMAL);
    assertThat(clinic.at("2026-11-17T09:10:00Z").callNext(a)).isEqualTo(p1);
    clinic.get(clinic.at("2026-11-17T09:12:00Z").commands.startService(p1, "desk"));
    clinic.get(clinic.at("2026-11-17T09:22:00Z").commands.complete(p1, "desk"));
    // P2: called 09:45 (wait 2400, past A's 30-minute target), recalled 09:47, served 09:50–10:10 (1200)
    assertThat(clinic.at("2026-11-17T09:45:00Z").callNext(a)).isEqualTo(p2);
    clinic.get(clinic.at("2026-11-17T09:47:00Z").commands.recall(p2, "desk"));
    clinic.get(clinic.at("2026-11-17T09:50:00Z").commands.startService(p2, "desk"));
    clinic.get(clinic.at("2026-11-17T10:10:00Z").commands.complete(p2, "desk"));
    // P3 (appointment at 10:00): arrives 09:55, called 10:15 (wait 1200), does not answer: a no-show
    clinic.get(clinic.at("2026-11-17T09:55:00Z").commands.arrive(p3, "kiosk"));
    assertThat(clinic.at("2026-11-17T10:15:00Z").callNext(a)).isEqualTo(p3);
    clinic.get(clinic.at("2026-11-17T10:20:00Z").commands.noShow(p3, "desk"));
    // P4: arrives 10:30, leaves without being seen at 10:50
    UUID p4 = clinic.at("2026-11-17T10:30:00Z").walkIn(a, Priority.NORMAL);
    // P5: arrives 10:40, called 10:50 (wait 600), served 10:51 and transferred to B at 11:00 (service 540)
    UUID p5 = clinic.at("2026-11-17T10:40:00Z").walkIn(a, Priority.NORMAL);
    clinic.get(clinic.at("2026-11-17T10:50:00Z").commands.leave(p4, "desk"));
    assertThat(clinic.callNext(a)).isEqualTo(p5);
    clinic.get(clinic.at("2026-11-17T10:51:00Z").commands.startService(p5, "desk"));
    UUID p5b = clinic.get(clinic.at("2026-11-17T11:00:00Z").commands.transfer(p5, b.id(), null, "desk"))
        .entry().id();
    // in B, P5 joins at 11:00, is called 11:05 (wait 300) and served 11:05–11:15 (600)
    assertThat(clinic.at("2026-11-17T11:05:00Z").callNext(b)).isEqualTo(p5b);
    clinic.get(clinic.commands.startService(p5b, "desk"));
    clinic.get(clinic.at("2026-11-17T11:15:00Z").commands.complete(p5b, "desk"));
    // P7 (high priority): arrives in B 13:00, called 13:30 (wait 1800, past B's 20-minute target), served 13:31–13:41
    UUID p7 = clinic.at("2026-11-17T13:00:00Z").walkIn(b, Priority.HIGH);
    assertThat(clinic.at("2026-11-17T13:30:00Z").callNext(b)).isEqualTo(p7);
    clinic.get(clinic.at("2026-11-17T13:31:00Z").commands.startService(p7, "desk"));
    clinic.get(clinic.at("2026-11-17T13:41:00Z").commands.complete(p7, "desk"));
    return p7;
  }

  @AfterAll
  static void close() {
    clinic.close();
  }

  private static Report report(String queue, String priority, String source) {
    return clinic.get(clinic.insights.report(
        InsightsQuery.parse("day", DAY.toString(), DAY.toString(), queue, priority, source, null)));
  }

  @Test
  void everyFigureOfEachQueuesDayMatchesTheHandComputedAnswer() {
    Report r = report(null, null, null);
    assertThat(r.daily()).hasSize(2);
    // A: P1..P5; waits 600, 600, 1200, 2400 -> median (600+1200)/2, P90 at 0.9*3 = 2.7 -> 1200 + 0.7*1200;
    // services 540, 600, 1200; within 30 min: P1, P3, P5 of 5 arrivals; P3's appointment: 300 s early
    assertThat(r.daily().get(0)).usingRecursiveComparison().ignoringFields("honesty").isEqualTo(new Figures(DAY,
        "a", 5, 5, 4, 900.0, 2040.0, 600.0, 780.0, 1, 1, 0, 1, 1, 3, null, new Punctuality(1, 1, 0, -300.0)));
    // B: P5 (transferred in) and P7; waits 300, 1800 -> median 1050, P90 300 + 0.9*1500; services 600, 600;
    // within 20 min: P5 only; no appointment
    assertThat(r.daily().get(1)).usingRecursiveComparison().ignoringFields("honesty").isEqualTo(new Figures(DAY,
        "b", 2, 2, 2, 1050.0, 1650.0, 600.0, 600.0, 0, 0, 1, 0, 0, 1, null, new Punctuality(0, 0, 0, null)));
    assertThat(r.daily().get(0).noShowRate()).isEqualTo(0.2);
    assertThat(r.daily().get(0).leftRate()).isEqualTo(0.2);
    assertThat(r.daily().get(0).withinTargetShare()).isEqualTo(0.6);
    assertThat(r.daily().get(1).withinTargetShare()).isEqualTo(0.5);
  }

  @Test
  void theRangeTotalIsComputedOverAllVisitsNotAveragedFromDays() {
    Figures total = report(null, null, null).total();
    // waits 300, 600, 600, 1200, 1800, 2400 -> median 900, P90 at 4.5 -> 1800 + 0.5*600;
    // services 540, 600, 600, 600, 1200 -> median 600, mean 3540/5
    assertThat(total).usingRecursiveComparison().ignoringFields("honesty").isEqualTo(new Figures(null, null, 7, 7,
        6, 900.0, 2100.0, 600.0, 708.0, 1, 1, 1, 1, 1, 4, null, new Punctuality(1, 1, 0, -300.0)));
    assertThat(total.noShowRate()).isEqualTo(1.0 / 7);
    assertThat(total.withinTargetShare()).isEqualTo(4.0 / 7);
  }

  @Test
  void arrivalsAreCountedByLocalHourAndWeekday() {
    // Tuesday (ISO 2): P1, P2, P3 at 9; P4, P5 at 10; P5 in B at 11; P7 at 13
    assertThat(report(null, null, null).arrivalsByHour()).containsExactly(new Report.ArrivalCell(2, 9, 3),
        new Report.ArrivalCell(2, 10, 2), new Report.ArrivalCell(2, 11, 1), new Report.ArrivalCell(2, 13, 1));
  }

  @Test
  void filtersSelectTheVisitsOfOneQueuePriorityOrSource() {
    assertThat(report("b", null, null).total().visits()).isEqualTo(2);
    assertThat(report("b", null, null).daily()).extracting(Figures::queueId).containsExactly("b");
    Figures high = report(null, "high", null).total();
    assertThat(high.visits()).isEqualTo(1);
    assertThat(high.waitMedianSeconds()).isEqualTo(1800.0);
    Figures appointments = report(null, null, "appointment").total();
    assertThat(appointments.visits()).isEqualTo(1);
    assertThat(appointments.noShows()).isEqualTo(1);
    assertThat(report(null, null, "walk_in").total().visits()).isEqualTo(6);
  }

  @Test
  void anEmptyRangeHasZeroCountsAndNoMedians() {
    Report r = clinic.get(clinic.insights.report(InsightsQuery.parse("day", "2026-11-18", "2026-11-30", null, null,
        null, null)));
    assertThat(r.daily()).isEmpty();
    assertThat(r.arrivalsByHour()).isEmpty();
    assertThat(r.total()).isEqualTo(new Figures(null, null, 0, 0, 0, null, null, null, null, 0, 0, 0, 0, 0, 0,
        new EstimateHonesty(0, null, null, null, null), new Punctuality(0, 0, 0, null)));
    assertThat(r.total().noShowRate()).isNull();
  }

  @Test
  void theVisitExportListsEachVisitsTimestampsAndOutcomeInArrivalOrder() {
    List<Visit> visits = clinic.get(clinic.insights.visits(
        InsightsQuery.parse("day", DAY.toString(), DAY.toString(), null, null, null, null)));
    assertThat(visits).extracting(Visit::outcome).containsExactly("completed", "completed", "no_show", "left",
        "transferred", "completed", "completed");
    Visit p2 = visits.get(1);
    assertThat(p2.arrivedAt()).isEqualTo(Instant.parse("2026-11-17T09:05:00Z"));
    assertThat(p2.firstCalledAt()).isEqualTo(Instant.parse("2026-11-17T09:45:00Z"));
    assertThat(p2.waitSeconds()).isEqualTo(2400);
    assertThat(p2.serviceSeconds()).isEqualTo(1200);
    assertThat(p2.recalls()).isEqualTo(1);
    assertThat(visits.get(5).transferredIn()).isTrue();
    assertThat(visits.get(3).firstCalledAt()).isNull();
  }

  @Test
  void aQueueOfAnotherSiteIsRefusedWithASentence() {
    clinic.site("other", LONDON);
    clinic.queue("other", "elsewhere", 30);
    assertThatThrownBy(() -> report("elsewhere", null, null))
        .isInstanceOf(QueueException.Invalid.class)
        .hasMessage("Queue 'elsewhere' is not a queue of site 'day'; choose one of its queues or none.");
  }

  @Test
  void daysAndHoursFollowTheSiteClockAcrossTheSpringForwardChange() {
    playTheSpringForwardDay(clinic);

    Report r = clinic.get(clinic.insights.report(InsightsQuery.parse("dst", "2026-03-29", "2026-03-29", null, null,
        null, null)));
    assertThat(r.arrivalsByHour()).containsExactly(new Report.ArrivalCell(7, 0, 1), new Report.ArrivalCell(7, 10, 1));
    assertThat(r.total().arrivals()).isEqualTo(2);
    // waits: the Sunday 00:30 arrival was called at 01:30 UTC (3600 s), the 10:30 one after 600 s
    assertThat(r.total().waitMedianSeconds()).isEqualTo((3600.0 + 600.0) / 2);
  }

  /** Site "dst": visits around Sunday 2026-03-29 in London, when 01:00 GMT becomes 02:00 BST. */
  static void playTheSpringForwardDay(ClinicDay clinic) {
    clinic.site("dst", LONDON);
    ServiceQueue q = clinic.queue("dst", "dst", 90);
    clinic.at("2026-03-28T23:30:00Z").walkIn(q, Priority.NORMAL); // Saturday 23:30 GMT: not in the range
    UUID night = clinic.at("2026-03-29T00:30:00Z").walkIn(q, Priority.NORMAL); // Sunday 00:30 GMT
    // called at 02:30 BST: an hour after arrival, not the two hours the wall clock shows
    assertThat(clinic.at("2026-03-29T01:30:00Z").callNext(q)).isEqualTo(night);
    clinic.at("2026-03-29T09:30:00Z").walkIn(q, Priority.NORMAL); // Sunday 10:30 BST
    clinic.at("2026-03-29T09:40:00Z").callNext(q);
    clinic.at("2026-03-29T23:30:00Z").walkIn(q, Priority.NORMAL); // Monday 00:30 BST: not in the range
  }

  @Test
  void todayLiveShowsWaitingLongestWaitCallsInTheLastHourAndPatientsPastTarget() {
    clinic.site("live", LONDON);
    ServiceQueue q = clinic.queue("live", "live", 10);
    clinic.queue("live", "quiet", 10);
    clinic.at("2026-12-01T11:00:00Z").walkIn(q, Priority.NORMAL);
    clinic.at("2026-12-01T11:10:00Z").callNext(q); // more than an hour before 12:30
    UUID x = clinic.at("2026-12-01T12:00:00Z").walkIn(q, Priority.NORMAL);
    clinic.at("2026-12-01T12:05:00Z").walkIn(q, Priority.NORMAL);
    assertThat(clinic.at("2026-12-01T12:20:00Z").callNext(q)).isEqualTo(x);
    clinic.at("2026-12-01T12:30:00Z");

    assertThat(clinic.get(clinic.insights.live("live"))).containsExactly(
        // one waiting since 12:05 (1500 s, past the 10-minute target); one first call since 11:30
        new LiveQueue("live", "Queue live", 1, 10, 1, 1500L, 1, 1),
        new LiveQueue("quiet", "Queue quiet", 1, 10, 0, null, 0, 0));
  }

  @Test
  void punctualityComparesEachAppointmentsArrivalWithItsTime() {
    // the hand day's one appointment (P3, 10:00) arrived at 09:55: 300 s early
    assertThat(report(null, null, null).total().punctuality()).isEqualTo(new Punctuality(1, 1, 0, -300.0));
    clinic.site("punctual", LONDON);
    ServiceQueue q = clinic.queue("punctual", "punctual", 30);
    UUID early = clinic.at("2026-11-16T08:00:00Z").expect(q, "2026-11-19T10:00:00Z");
    UUID late = clinic.expect(q, "2026-11-19T10:20:00Z");
    UUID later = clinic.expect(q, "2026-11-19T10:40:00Z");
    clinic.expect(q, "2026-11-19T11:00:00Z"); // never arrives: not a visit
    clinic.get(clinic.at("2026-11-19T09:50:00Z").commands.arrive(early, "kiosk")); // 600 s early
    clinic.get(clinic.at("2026-11-19T10:25:00Z").commands.arrive(late, "kiosk")); // 300 s late
    clinic.get(clinic.at("2026-11-19T10:55:00Z").commands.arrive(later, "desk")); // 900 s late
    clinic.walkIn(q, Priority.NORMAL); // no appointment: not counted

    Report r = clinic.get(clinic.insights.report(InsightsQuery.parse("punctual", "2026-11-19", "2026-11-19",
        null, null, null, null)));
    Punctuality p = r.total().punctuality();
    // lateness -600, 300, 900: median 300; the queue's one day has them all
    assertThat(p).isEqualTo(new Punctuality(3, 1, 2, 300.0));
    assertThat(r.daily()).extracting(Figures::punctuality).containsExactly(p);
    assertThat(p.earlyShare()).isEqualTo(1.0 / 3);
    assertThat(p.lateShare()).isEqualTo(2.0 / 3);
  }

  @Test
  void theCsvExportsHoldTheDailyFiguresAndTheVisitsRowByRow() {
    InsightsQuery q = InsightsQuery.parse("day", DAY.toString(), DAY.toString(), "b", null, null, null);
    assertThat(InsightsCsv.daily(clinic.get(clinic.insights.report(q)))).isEqualTo("day,queue,source,visits,arrivals,"
        + "called,wait_median_s,wait_p90_s,service_median_s,service_mean_s,no_shows,left,transfers_in,transfers_out,"
        + "recalls,called_within_target,estimates,estimate_error_min,estimate_bias_min,p90_covers,range_holds,"
        + "appointment_arrivals,early,late,lateness_median_s\r\n"
        // both were shown a P50 of 10 minutes and waited 5 and 30: errors +5 and -20 (mean 12.5, bias -7.5); P5
        // was inside the P90 and the range shown, P7 not
        + "2026-11-17,b,,2,2,2,1050.0,1650.0,600.0,600.0,0,0,1,0,0,1,2,12.5,-7.5,0.5,0.5,0,0,0,\r\n"
        // both are walk-ins (P5 walked in to A and was transferred at the desk); a source's row has no percentiles
        + ",,walk_in,2,2,2,,,,600.0,0,0,1,0,0,1,2,12.5,-7.5,0.5,0.5,0,0,0,\r\n"
        + ",,,2,2,2,1050.0,1650.0,600.0,600.0,0,0,1,0,0,1,2,12.5,-7.5,0.5,0.5,0,0,0,\r\n");
    String visits = InsightsCsv.visits(clinic.get(clinic.insights.visits(q)));
    assertThat(visits.split("\r\n")).containsExactly("day,queue,ticket,priority,source,arrived_at,first_called_at,"
            + "wait_s,service_started_at,service_s,recalls,transferred_in,outcome",
        "2026-11-17,b,B-001,normal,walk_in,2026-11-17T11:00:00Z,2026-11-17T11:05:00Z,300,2026-11-17T11:05:00Z,600,0,"
            + "true,completed",
        "2026-11-17,b,B-002,high,walk_in,2026-11-17T13:00:00Z,2026-11-17T13:30:00Z,1800,2026-11-17T13:31:00Z,600,0,"
            + "false,completed");
  }

  @Test
  void visitsAreSplitIntoWalkInsKioskArrivalsAppointmentsAndEachAppointmentSourceByName() {
    playTheDayOfSources(clinic);
    Report r = clinic.get(clinic.insights.report(InsightsQuery.parse("sources", "2026-11-18", "2026-11-18", null,
        null, null, null)));

    assertThat(r.bySource().keySet()).containsExactly("appointment", "kiosk", "source:Main PMS", "walk_in");
    // one visit each, all called within the 30-minute target; the appointments 600 s late, 600 s early, 600 s early
    assertThat(r.bySource().values()).extracting(Figures::visits, Figures::calledWithinTarget)
        .containsOnly(tuple(1L, 1L));
    assertThat(r.bySource().get("appointment").punctuality()).isEqualTo(new Punctuality(1, 0, 1, null));
    assertThat(r.bySource().get("kiosk").punctuality()).isEqualTo(new Punctuality(1, 1, 0, null));
    assertThat(r.bySource().get("source:Main PMS").punctuality()).isEqualTo(new Punctuality(1, 1, 0, null));
    assertThat(r.bySource().get("walk_in").punctuality().arrivals()).isZero();
    // the breakdown gives no percentiles (they would sort the range's values again); a source asked for does:
    // waits 300, 600, 1200, 600 s
    assertThat(r.bySource().get("kiosk").waitMedianSeconds()).isNull();
    assertThat(List.of("appointment", "kiosk", "source:Main PMS", "walk_in")).extracting(source -> clinic.get(
            clinic.insights.report(InsightsQuery.parse("sources", "2026-11-18", "2026-11-18", null, null, source,
                null))).total().waitMedianSeconds())
        .containsExactly(300.0, 600.0, 1200.0, 600.0);
    // the whole day: waits 300, 600, 600, 1200 -> median 600, P90 at 2.7 -> 600 + 0.7 * 600
    assertThat(r.total().visits()).isEqualTo(4);
    assertThat(r.total().waitP90Seconds()).isEqualTo(1020.0);

    // a filter by one source: that source's visits, its breakdown alone
    Report pms = clinic.get(clinic.insights.report(InsightsQuery.parse("sources", "2026-11-18", "2026-11-18", null,
        null, "source:Main PMS", null)));
    assertThat(pms.total().visits()).isEqualTo(1);
    assertThat(pms.total().waitMedianSeconds()).isEqualTo(1200.0);
    assertThat(pms.daily()).extracting(Figures::visits).containsExactly(1L);
    assertThat(pms.bySource()).containsOnlyKeys("source:Main PMS");
    List<Visit> kiosk = clinic.get(clinic.insights.visits(InsightsQuery.parse("sources", "2026-11-18",
        "2026-11-18", null, null, "kiosk", null)));
    assertThat(kiosk).extracting(Visit::source, Visit::waitSeconds).containsExactly(tuple("kiosk", 600L));
  }

  /**
   * Site "sources", 2026-11-18: a walk-in at the desk, an appointment from the pms-sync source "Main PMS" that
   * arrives at a kiosk (a device), another that arrives at the desk, and one booked by staff; each called alone.
   */
  static void playTheDayOfSources(ClinicDay clinic) {
    clinic.site("sources", LONDON);
    ServiceQueue q = clinic.queue("sources", "sources", 30);
    UUID byKiosk = clinic.at("2026-11-17T08:00:00Z").expect(q, "2026-11-18T09:30:00Z", "source:Main PMS");
    UUID atDesk = clinic.expect(q, "2026-11-18T10:00:00Z", "source:Main PMS");
    UUID booked = clinic.expect(q, "2026-11-18T10:30:00Z", "staff:anna");
    clinic.at("2026-11-18T09:00:00Z").walkIn(q, Priority.NORMAL);
    clinic.at("2026-11-18T09:10:00Z").callNext(q); // waited 600
    clinic.get(clinic.at("2026-11-18T09:20:00Z").commands.arrive(byKiosk, "device:kiosk-1")); // 600 s early
    clinic.at("2026-11-18T09:30:00Z").callNext(q); // waited 600
    clinic.get(clinic.at("2026-11-18T09:50:00Z").commands.arrive(atDesk, "staff:anna")); // 600 s early
    clinic.at("2026-11-18T10:10:00Z").callNext(q); // waited 1200
    clinic.get(clinic.at("2026-11-18T10:40:00Z").commands.arrive(booked, "staff:anna")); // 600 s late
    clinic.at("2026-11-18T10:45:00Z").callNext(q); // waited 300
  }

  @Test
  void theWaitsShownAtCheckInAreScoredAgainstTheWaitsHadAsTheEstimatorIsJudged() {
    playADayOfShownWaits(clinic);

    Report r = clinic.get(clinic.insights.report(InsightsQuery.parse("honest", "2026-11-18", "2026-11-18", null,
        null, null, null)));
    // mean |error| (10 + 5 + 25) / 3 = 13.33, bias (10 - 5 - 25) / 3 = -6.67; the queue's one day has them all
    assertThat(r.total().honesty()).isEqualTo(new EstimateHonesty(3, 13.3, -6.7, 2.0 / 3, 1.0 / 3));
    assertThat(r.daily()).extracting(Figures::honesty).containsExactly(r.total().honesty());
  }

  /** Site "honest", 2026-11-18: four patients shown the same wait, three called after different waits. */
  static void playADayOfShownWaits(ClinicDay clinic) {
    clinic.site("honest", LONDON);
    ServiceQueue q = clinic.queue("honest", "honest", 60);
    // every patient is shown P50 15 and P90 20 minutes: the range "10–20 min"
    QueueCommands shown = clinic.showingEveryone(new WaitEstimate(15, 20, true));
    clinic.at("2026-11-18T09:00:00Z").walkIn(shown, q, Priority.NORMAL);
    clinic.at("2026-11-18T09:01:00Z").walkIn(shown, q, Priority.NORMAL);
    clinic.at("2026-11-18T09:02:00Z").walkIn(shown, q, Priority.NORMAL);
    UUID gaveUp = clinic.at("2026-11-18T09:03:00Z").walkIn(shown, q, Priority.NORMAL);
    clinic.at("2026-11-18T09:05:00Z").callNext(q); // waited 5: P50 - wait = +10, inside P90, below the range
    clinic.at("2026-11-18T09:21:00Z").callNext(q); // waited 20: -5, inside P90, inside the range
    clinic.at("2026-11-18T09:42:00Z").callNext(q); // waited 40: -25, past P90, past the range
    clinic.get(clinic.at("2026-11-18T09:50:00Z").commands.leave(gaveUp, "desk")); // never called: no wait to score
  }
}
