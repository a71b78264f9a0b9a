package io.waitline.queue.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event log's instants written and read as {@link Instant#toString()} and {@link Instant#parse} would. */
class InstantTextTest {

  @Test
  void anyInstantIsWrittenAsInstantWritesItAndReadsBackEqual() {
    Random random = new Random(20261202);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int k = 0; k < 200_000; k++) {
      long second = k % 4 == 0 ? random.nextLong(min, max + 1) : random.nextLong(0, 4_102_444_800L);
      // whole seconds and minutes, milli-, micro- and nanoseconds: each length of fraction Instant writes
      int nano = switch (k % 5) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        case 3 -> random.nextInt(1_000_000_000);
        default -> 0;
      };
      Instant i = Instant.ofEpochSecond(k % 5 == 4 ? second - second % 60 : second, nano);

      String text = InstantText.format(i);

      assertThat(text).isEqualTo(i.toString());
      assertThat(InstantText.parse(text)).isEqualTo(i);
    }
  }

  @Test
  void textOfAnyOtherFormReadsAsInstantParseReadsItOrFailsAsItFails() {
    for (String text : List.of("2026-12-02T03:24:57.8Z", "2026-12-02T03:24:57.87315Z", "+10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "2026-12-02T03:24:57+01:00", "2016-12-31T23:59:60Z", "2026-12-02T24:00:00Z",
        "2026-12-02T03:24:57.Z")) {
      assertThat(InstantText.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
    for (String text : List.of("2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-02T03:24Z",
        "2026-12-02 03:24:57Z", "2026-1a-02T03:24:57Z")) {
      assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeException.class);
      assertThatThrownBy(() -> InstantText.parse(text)).as(text).isInstanceOf(DateTimeException.class);
    }
  }
}
