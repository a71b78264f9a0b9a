package io.waitline.insights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
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
}
