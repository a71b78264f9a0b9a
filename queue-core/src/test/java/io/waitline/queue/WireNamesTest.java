package io.waitline.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.queue.event.EventType;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wire names are the same on every machine: a server whose default locale is Turkish lowers {@code I} to a dotless
 * {@code ı} and raises {@code i} to a dotted {@code İ}, which once made {@code IN_SERVICE} go out as
 * {@code ın_servıce} and made {@code waiting} unreadable.
 */
class WireNamesTest {
  private static final Locale TURKISH = Locale.forLanguageTag("tr-TR");
  private Locale before;

  @BeforeEach
  void turkishDefaultLocale() {
    before = Locale.getDefault();
    Locale.setDefault(TURKISH);
  }

  @AfterEach
  void restoreLocale() {
    Locale.setDefault(before);
  }

  @Test
  void underATurkishDefaultLocaleEveryWireNameIsPlainAsciiAndReadsBackAsItsConstant() {
    assertRoundTrips(Status.values(), Status::wire, Status::fromWire);
    assertRoundTrips(Priority.values(), Priority::wire, Priority::fromWire);
    assertRoundTrips(TransferPolicy.values(), TransferPolicy::wire, TransferPolicy::fromWire);
    assertRoundTrips(EventType.values(), EventType::wire, EventType::fromWire);
  }

  @Test
  void underATurkishDefaultLocaleNamesWithAnIAreWrittenAndReadAsEverywhereElse() {
    assertThat(Status.IN_SERVICE.wire()).isEqualTo("in_service");
    assertThat(Status.fromWire("waiting")).isEqualTo(Status.WAITING);
    assertThat(Priority.fromWire("high")).isEqualTo(Priority.HIGH);
    assertThat(EventType.SERVICE_STARTED.wire()).isEqualTo("service_started");
    assertThat(EventType.fromWire("checked_in")).isEqualTo(EventType.CHECKED_IN);
  }

  private static <E extends Enum<E>> void assertRoundTrips(E[] values, Function<E, String> wire,
      Function<String, E> fromWire) {
    for (E value : values) {
      assertThat(wire.apply(value)).as(value.name()).matches("[a-z_]+");
      assertThat(fromWire.apply(wire.apply(value))).as(value.name()).isEqualTo(value);
    }
  }
}
