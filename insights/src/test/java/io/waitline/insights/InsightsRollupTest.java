package io.waitline.insights;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.store.VisitRetention;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Daily rollups on real PostgreSQL: once the hand-computed day, the day of shown waits, the spring-forward day and the
 * day of sources are closed and rolled up, every figure and export is what the views gave before, today's visits
 * still count live, a later correction of a rolled-up day counts once the day is rebuilt.
 */
class InsightsRollupTest {
  /** Every range and filter compared, as query parameters: site, from, to, queue, priority, source. */
  private static final List<List<String>> QUERIES = List.of(
      List.of("day", "2026-11-17", "2026-11-17", "", "", ""),
      List.of("day", "2026-11-16", "2026-11-20", "", "", ""),
      List.of("day", "2026-11-17", "2026-11-20", "a", "", ""),
      List.of("day", "2026-11-17", "2026-11-17", "", "high", ""),
      List.of("day", "2026-11-17", "2026-11-17", "", "", "appointment"),
      List.of("honest", "2026-11-18", "2026-11-18", "", "", ""),
      List.of("dst", "2026-03-29", "2026-03-29", "", "", ""),
      List.of("dst", "2026-03-28", "2026-03-30", "", "", ""),
      List.of("sources", "2026-11-18", "2026-11-18", "", "", ""),
      List.of("sources", "2026-11-18", "2026-11-20", "", "", "kiosk"),
      List.of("sources", "2026-11-18", "2026-11-18", "sources", "normal", "source:Main PMS"));

  @Test
  void rolledUpDaysGiveTheFiguresAndExportsTheViewsGaveAndTodayStaysLive() {
    try (ClinicDay clinic = new ClinicDay()) {
      UUID p7 = InsightsFiguresTest.playTheHandComputedDay(clinic);
      InsightsFiguresTest.playADayOfShownWaits(clinic);
      InsightsFiguresTest.playTheSpringForwardDay(clinic);
      InsightsFiguresTest.playTheDayOfSources(clinic);
      ServiceQueue a = clinic.get(clinic.commands.queue("a"));
      // today, 2026-11-20: one patient called, one still waiting
      clinic.at("2026-11-20T09:00:00Z").walkIn(a, Priority.NORMAL);
      clinic.at("2026-11-20T09:05:00Z").walkIn(a, Priority.NORMAL);
      clinic.at("2026-11-20T09:20:00Z").callNext(a);
      List<Report> fromViews = reports(clinic);
      List<List<Visit>> exportsFromViews = exports(clinic);

      // up to the day before yesterday: the hand day (7 visits), the shown waits (4; three of them still called),
      // the three days around the spring change (4), the day of sources (4); not today's
      assertThat(clinic.get(clinic.rollup.rollUp())).isEqualTo(19);
      assertThat(reports(clinic)).isEqualTo(fromViews);
      assertThat(exports(clinic)).isEqualTo(exportsFromViews);
      assertThat(clinic.get(clinic.rollup.rollUp())).as("nothing left to roll up").isZero();

      // a correction of a rolled-up day: P7's completion undone, so P7 is in service again
      clinic.get(clinic.commands.undo(p7, "desk"));
      assertThat(lastOutcome(clinic)).as("the rollup keeps the day as it was closed").isEqualTo("completed");
      // rebuilt from that day on: its 7 visits are copied again, with P7 in service
      assertThat(clinic.get(clinic.rollup.rebuild("day", InsightsFiguresTest.DAY))).isEqualTo(7);
      assertThat(lastOutcome(clinic)).isEqualTo("in_service");
    }
  }

  @Test
  void rolledUpDaysReadTheSameOnceRetentionHasRemovedTheirPatientDetails() {
    try (ClinicDay clinic = new ClinicDay()) {
      InsightsFiguresTest.playTheHandComputedDay(clinic);
      InsightsFiguresTest.playADayOfShownWaits(clinic);
      InsightsFiguresTest.playTheSpringForwardDay(clinic);
      InsightsFiguresTest.playTheDayOfSources(clinic);
      clinic.at("2026-11-20T09:00:00Z");
      assertThat(clinic.get(clinic.rollup.rollUp())).isEqualTo(19);
      List<Report> rolledUp = reports(clinic);
      List<List<Visit>> exportsRolledUp = exports(clinic);
      List<String> csv = csv(clinic);

      // half a year and more later, every one of those visits is past retention
      clinic.at("2027-06-01T09:00:00Z");
      long entries = clinic.get(clinic.pool.query("SELECT count(*) FROM entry").execute()).iterator().next()
          .getLong(0);
      int removed = clinic.get(new RetentionBatches(clinic.pool, Retention.DEFAULT, 4).run("queue-core",
          clinic.clock.instant(), VisitRetention::batch));
      assertThat(removed).as("every entry, visits or not").isEqualTo(entries).isGreaterThanOrEqualTo(19);
      assertThat(clinic.get(clinic.pool.query("SELECT count(*) FROM entry WHERE patient_name <> ''").execute())
          .iterator().next().getLong(0)).as("names left").isZero();
      assertThat(clinic.get(clinic.rollup.rollUp())).as("no visit on the days since").isZero();
      assertThat(reports(clinic)).isEqualTo(rolledUp);
      assertThat(exports(clinic)).isEqualTo(exportsRolledUp);
      assertThat(csv(clinic)).isEqualTo(csv);
    }
  }

  private static List<String> csv(ClinicDay clinic) {
    return QUERIES.stream().map(p -> InsightsCsv.daily(clinic.get(clinic.insights.report(query(p.toArray(
        String[]::new))))) + InsightsCsv.visits(clinic.get(clinic.insights.visits(query(p.toArray(String[]::new))))))
        .toList();
  }

  private static String lastOutcome(ClinicDay clinic) {
    List<Visit> day = clinic.get(clinic.insights.visits(query("day", "2026-11-17", "2026-11-17", "", "", "")));
    return day.get(day.size() - 1).outcome();
  }

  private static List<Report> reports(ClinicDay clinic) {
    return QUERIES.stream().map(p -> clinic.get(clinic.insights.report(query(p.toArray(String[]::new))))).toList();
  }

  private static List<List<Visit>> exports(ClinicDay clinic) {
    return QUERIES.stream().map(p -> clinic.get(clinic.insights.visits(query(p.toArray(String[]::new))))).toList();
  }

  private static InsightsQuery query(String... p) {
    return InsightsQuery.parse(p[0], p[1], p[2], p[3], p[4], p[5], null);
  }
}
