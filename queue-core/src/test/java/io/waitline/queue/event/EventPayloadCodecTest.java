package io.waitline.queue.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.WaitEstimate;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stored event payload: what is written reads back exactly, and rows of earlier releases still read. */
class EventPayloadCodecTest {
  private static final ServiceQueue QUEUE = new ServiceQueue("lab", "site-1", "Blood tests", "B",
      new OrderingRule(Duration.ofMinutes(5), Duration.ofMinutes(45), TransferPolicy.BACK_OF_QUEUE), 7 * 60 + 30, true,
      2, 41);

  @Test
  void aPayloadWithEveryFactSetReadsBackEqual() {
    Entry entry = new Entry(UUID.randomUUID(), "lab", "B-007",
        new Patient("Ann Lee", LocalDate.of(1980, 4, 23), "MRN-7", "+33600000001", "ann@example.org"), Priority.URGENT,
        Instant.parse("2026-11-20T08:15:00Z"), "appt-42", Instant.parse("2026-11-20T08:05:00.123456Z"), Status.CALLED,
        Instant.parse("2026-11-20T08:30:00Z"), "Room 4", true, UUID.randomUUID());
    QueueEventPayload p = new QueueEventPayload(QueueEventPayload.VERSION, entry, List.of(
        new QueueEventPayload.Place(UUID.randomUUID(), "B-008", 1, new WaitEstimate(4, 9, true)),
        new QueueEventPayload.Place(UUID.randomUUID(), "B-009", 2, null)), QUEUE);

    assertThat(EventPayloadCodec.decode(EventPayloadCodec.encode(p))).isEqualTo(p);
    // and through the text PostgreSQL's jsonb hands back
    assertThat(EventPayloadCodec.decode(new JsonObject(EventPayloadCodec.encode(p).encode()))).isEqualTo(p);
  }

  @Test
  void aQueueWideEventWithNoEntryAndNobodyWaitingReadsBackEqual() {
    Entry sparse = new Entry(UUID.randomUUID(), "lab", null, new Patient("Bo", null, null, null, null),
        Priority.NORMAL, null, null, Instant.parse("2026-11-20T08:05:00Z"), Status.EXPECTED,
        Instant.parse("2026-11-20T08:05:00Z"), null, false, null);
    for (QueueEventPayload p : List.of(new QueueEventPayload(QueueEventPayload.VERSION, null, List.of(), QUEUE),
        new QueueEventPayload(QueueEventPayload.VERSION, sparse, List.of(), QUEUE))) {
      assertThat(EventPayloadCodec.decode(EventPayloadCodec.encode(p))).isEqualTo(p);
    }
  }

  @Test
  void theStoredFormatIsVersionedAndIsNotTheRestShape() {
    JsonObject stored = EventPayloadCodec.encode(new QueueEventPayload(QueueEventPayload.VERSION, null,
        List.of(new QueueEventPayload.Place(UUID.randomUUID(), "B-001", 1, new WaitEstimate(4, 9, true))), QUEUE));
    assertThat(stored.getInteger("version")).isEqualTo(1);
    assertThat(stored.getJsonArray("lineup").getJsonObject(0).fieldNames())
        .as("facts only: the display range is the edge's business").doesNotContain("range");
    assertThat(stored.getJsonObject("queue").getInteger("defaultServiceSeconds")).isEqualTo(450);
  }

  @Test
  void aLegacyPayloadReadsAsTheSameFacts() throws IOException {
    QueueEventPayload p = EventPayloadCodec.decode(LegacyPayloads.called("lab"));

    assertThat(p.version()).isEqualTo(QueueEventPayload.LEGACY);
    assertThat(p.entry().id()).isEqualTo(UUID.fromString("6f1c2b1e-0000-4000-8000-000000000001"));
    assertThat(p.entry().patient()).isEqualTo(
        new Patient("Ann Lee", LocalDate.of(1980, 4, 23), "MRN-7", "+33600000001", "ann@example.org"));
    assertThat(p.entry().priority()).isEqualTo(Priority.HIGH);
    assertThat(p.entry().status()).isEqualTo(Status.CALLED);
    assertThat(p.entry().calledTo()).isEqualTo("Room 4");
    assertThat(p.entry().placeAt()).isEqualTo(Instant.parse("2026-11-20T08:05:00.123456Z"));
    assertThat(p.entry().appointmentRef()).as("not in the legacy shape").isNull();
    assertThat(p.lineup()).containsExactly(
        new QueueEventPayload.Place(UUID.fromString("6f1c2b1e-0000-4000-8000-000000000002"), "A-002", 1,
            new WaitEstimate(10, 17, false)),
        new QueueEventPayload.Place(UUID.fromString("6f1c2b1e-0000-4000-8000-000000000003"), "A-003", 2, null));
    assertThat(p.queue()).isEqualTo(new ServiceQueue("lab", "site-1", "Blood tests", "A", OrderingRule.DEFAULT, 600,
        false, 1, 3));
  }

  @Test
  void aPayloadOfANewerFormatIsRefusedRatherThanMisread() {
    JsonObject future = EventPayloadCodec.encode(new QueueEventPayload(1, null, List.of(), QUEUE)).put("version", 2);
    assertThatThrownBy(() -> EventPayloadCodec.decode(future)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newer");
  }

  @Test
  void everyTypeNameEverStoredReadsAsItsEventType() {
    List<String> stored = List.of("expected", "checked_in", "called", "recalled", "service_started", "completed",
        "no_show", "requeued", "transferred_out", "transferred_in", "left", "cancelled", "running_late", "undone",
        "paused", "resumed", "staff_changed", "reordered", "rota_changed");
    assertThat(stored).allSatisfy(t -> assertThat(EventType.fromWire(t).wire()).isEqualTo(t));
    assertThat(Arrays.stream(EventType.values()).map(EventType::wire)).containsExactlyInAnyOrderElementsOf(stored);
  }
}
