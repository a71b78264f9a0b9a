package io.waitline.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.retention.Retention;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class InsightsQueryTest {
  private static void refused(String from, String to, String priority, String source, String sentence) {
    assertThatThrownBy(() -> InsightsQuery.parse("main", from, to, null, priority, source, null))
        .isInstanceOf(QueueException.Invalid.class).hasMessage(sentence);
  }

  @Test
  void aRangeEndingBeforeItStartsIsRefused() {
    refused("2026-03-02", "2026-03-01", null, null,
        "The range starts on 2026-03-02, after its end on 2026-03-01; give 'from' on or before 'to'.");
  }

  @Test
  void aMissingDateIsTheSitesTodayAndAMalformedOneIsRefused() {
    LocalDate today = LocalDate.parse("2026-03-29");
    InsightsQuery q = InsightsQuery.parse("main", null, "", null, null, null, today);
    assertThat(q.from()).isEqualTo(today);
    assertThat(q.to()).isEqualTo(today);
    refused("2026-03-01", "2026-02-30", null, null,
        "'to' is '2026-02-30', which is not a date like 2026-03-29.");
  }

  @Test
  void aRangeOfAYearAndADayIsTheLongestAccepted() {
    assertThat(InsightsQuery.parse("main", "2024-01-01", "2024-12-31", null, null, null, null).to())
        .hasToString("2024-12-31");
    refused("2025-01-01", "2026-01-02", null, null, "The range covers 367 days; ask for at most 366 days at a time.");
  }

  @Test
  void filtersAreReadOrRefusedByName() {
    InsightsQuery q = InsightsQuery.parse("main", "2026-03-01", "2026-03-01", "lab", "urgent", "walk_in", null);
    assertThat(q.queueId()).isEqualTo("lab");
    assertThat(q.priority()).isEqualTo(Priority.URGENT);
    assertThat(q.source()).isEqualTo("walk_in");
    assertThat(InsightsQuery.parse("main", "2026-03-01", "2026-03-01", null, null, "source:Main PMS", null).source())
        .isEqualTo("source:Main PMS");
    refused("2026-03-01", "2026-03-01", "URGENT!", null, "Priority 'URGENT!' is unknown; use urgent, high or normal.");
    for (String unknown : new String[] {"fax", "source:", "source: "}) {
      refused("2026-03-01", "2026-03-01", null, unknown, "Source '" + unknown + "' is unknown; use walk_in, kiosk,"
          + " appointment, or source: and the name of an appointment source.");
    }
  }

  @Test
  void aRebuildStartsOnAPastDayWithinAYearAndWithinRetention() {
    LocalDate today = LocalDate.parse("2026-11-20");
    assertThat(InsightsRollup.rebuildFrom("2026-05-24", today, Retention.DEFAULT)).hasToString("2026-05-24");
    assertThatThrownBy(() -> InsightsRollup.rebuildFrom("2026-05-23", today, Retention.DEFAULT))
        .isInstanceOf(QueueException.Invalid.class).hasMessage("Visits before 2026-05-24 are past the 180 days their"
            + " details are kept, so their days keep the figures they were rolled up with: rebuild from 2026-05-24"
            + " or later.");
    assertThatThrownBy(() -> InsightsRollup.rebuildFrom("2026-11-20", today, Retention.DEFAULT))
        .hasMessage("Only past days are rolled up: 'from' is 2026-11-20 and today is 2026-11-20 at the site.");
    // with details kept longer than a year, one rebuild still copies at most a year
    assertThat(InsightsRollup.rebuildFrom("2025-11-19", today, new Retention(400))).hasToString("2025-11-19");
    assertThatThrownBy(() -> InsightsRollup.rebuildFrom("2025-11-18", today, new Retention(400)))
        .hasMessage("A rebuild goes back at most 366 days: ask from 2025-11-19 on, then earlier in further steps.");
  }
}
