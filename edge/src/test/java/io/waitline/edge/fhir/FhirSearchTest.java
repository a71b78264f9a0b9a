package io.waitline.edge.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waitline.edge.pipeline.Problems;
import io.waitline.queue.read.DayVisit;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How the FHIR searches read their parameters: days with prefixes, the page size, the page cursor. */
class FhirSearchTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 5, 14);

  private static FhirSearch search(String... dates) {
    return FhirSearch.of("Location/general", List.of(dates), null, null, TODAY);
  }

  @Test
  void withoutADateTheSearchIsTodayOfTheNamedQueue() {
    FhirSearch s = search();
    assertThat(s.queueId()).isEqualTo("general");
    assertThat(s.from()).isEqualTo(TODAY);
    assertThat(s.to()).isEqualTo(TODAY.plusDays(1));
    assertThat(s.count()).isEqualTo(FhirSearch.DEFAULT_COUNT);
    assertThat(s.after()).isNull();
  }

  @Test
  void eachPrefixBoundsTheRangeOfWholeDays() {
    assertThat(search("2026-05-01")).extracting(FhirSearch::from, FhirSearch::to)
        .containsExactly(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 2));
    assertThat(search("eq2026-05-01")).extracting(FhirSearch::from, FhirSearch::to)
        .containsExactly(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 2));
    assertThat(search("ge2026-05-01", "lt2026-05-08")).extracting(FhirSearch::from, FhirSearch::to)
        .containsExactly(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 8));
    assertThat(search("gt2026-05-01", "le2026-05-08")).extracting(FhirSearch::from, FhirSearch::to)
        .containsExactly(LocalDate.of(2026, 5, 2), LocalDate.of(2026, 5, 9));
  }

  @Test
  void aRangeThatHoldsNoDayIsEmptyNotAnError() {
    assertThat(search("ge2026-05-08", "lt2026-05-08").empty()).isTrue();
    assertThat(search("ge2026-05-08", "lt2026-05-01").empty()).isTrue();
    assertThat(search("2026-05-08").empty()).isFalse();
  }

  @Test
  void anOpenRangeALongOneAndATimeOfDayAreRefusedWithASentence() {
    assertThatThrownBy(() -> search("ge2026-05-01")).isInstanceOf(Problems.BadRequest.class)
        .hasMessageContaining("both ends");
    assertThatThrownBy(() -> search("ge2026-01-01", "lt2026-02-02")).isInstanceOf(Problems.BadRequest.class)
        .hasMessageContaining("at most 31 days");
    assertThatThrownBy(() -> search("ge2026-05-01T09:00:00Z")).isInstanceOf(Problems.BadRequest.class)
        .hasMessageContaining("whole days");
    assertThatThrownBy(() -> search("2026-02-30")).isInstanceOf(Problems.BadRequest.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> search("sa2026-05-01")).isInstanceOf(Problems.BadRequest.class)
        .hasMessageContaining("eq, ge, gt, le or lt");
  }

  @Test
  void thirtyOneDaysIsTheLongestRange() {
    assertThat(search("ge2026-01-01", "lt2026-02-01").to()).isEqualTo(LocalDate.of(2026, 2, 1));
  }

  @Test
  void thePageSizeIsCappedAndMustBeAWholeNumberFromOne() {
    assertThat(FhirSearch.of("general", List.of(), "10", null, TODAY).count()).isEqualTo(10);
    assertThat(FhirSearch.of("general", List.of(), "5000", null, TODAY).count()).isEqualTo(FhirSearch.MAX_COUNT);
    assertThat(FhirSearch.of("general", List.of(), "99999999999999999999999", null, TODAY).count())
        .isEqualTo(FhirSearch.MAX_COUNT);
    assertThatThrownBy(() -> FhirSearch.of("general", List.of(), "0", null, TODAY))
        .isInstanceOf(Problems.BadRequest.class).hasMessageContaining("whole number from 1");
  }

  @Test
  void aPageValueCarriesTheCursorItWasMadeFromAndAForgedOneIsRefused() {
    DayVisit.Cursor cursor = new DayVisit.Cursor(Instant.parse("2026-05-14T08:30:00.123456Z"), UUID.randomUUID());
    FhirSearch s = FhirSearch.of("general", List.of(), null, FhirSearch.page(cursor), TODAY);
    assertThat(s.after()).isEqualTo(cursor);
    for (String forged : List.of("not-a-page", "", "eA", FhirSearch.page(cursor).substring(3))) {
      assertThatThrownBy(() -> FhirSearch.of("general", List.of(), null, forged, TODAY))
          .as(forged).isInstanceOf(Problems.BadRequest.class).hasMessageContaining("start the search again");
    }
  }
}
