package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.LegacyPayloads;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An event log written by an earlier release (unversioned payloads) stays readable by every reader of the log. */
class LegacyEventRowsTest {
  private static QueueWorld world;

  @BeforeAll
  static void start() {
    world = QueueWorld.start(4);
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @Test
  void aRowWrittenInTheLegacyShapeIsReadByReplayTheOutboxAndTheNextCommand() throws Exception {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann Lee");
    JsonObject legacy = LegacyPayloads.called(q.id());
    legacy.getJsonObject("queue").put("seq", 2);
    // exactly what the earlier release's command did: append the row, bump the queue's version
    world.get(world.pool.preparedQuery("INSERT INTO queue_event (queue_id, seq, type, payload, at)"
        + " VALUES ($1, 2, 'called', $2, now())").execute(Tuple.of(q.id(), legacy)));
    world.get(world.pool.preparedQuery("UPDATE service_queue SET version = 2 WHERE id = $1").execute(Tuple.of(q.id())));

    QueueEvent old = world.events(q).get(1);
    assertThat(old.type()).isEqualTo(EventType.CALLED);
    assertThat(old.payload().version()).isEqualTo(QueueEventPayload.LEGACY);
    assertThat(old.payload().entry().calledTo()).isEqualTo("Room 4");
    assertThat(old.payload().lineup()).extracting(QueueEventPayload.Place::ticket).containsExactly("A-002", "A-003");
    assertThat(old.payload().queue().version()).isEqualTo(2);

    List<LoggedEvent> outbox = world.get(world.pool.withConnection(c -> new EventLog().after(c, 0, 1000)));
    assertThat(outbox).extracting(LoggedEvent::event).filteredOn(e -> e.queueId().equals(q.id()))
        .containsExactly(world.events(q).toArray(QueueEvent[]::new));

    // the order announced by the legacy row differs from the real line, so a reorder is announced after it
    assertThat(world.get(world.commands.announceReorder(q.id()))).isTrue();
    QueueEvent next = world.events(q).get(2);
    assertThat(next.seq()).isEqualTo(3);
    assertThat(next.payload().version()).isEqualTo(QueueEventPayload.VERSION);
    assertThat(next.payload().lineup()).extracting(QueueEventPayload.Place::ticket).containsExactly("A-001");
    assertThat(QueueEvent.fromJson(old.toJson()).payload().lineup()).isEqualTo(old.payload().lineup());
    assertThat(old.payload().placeOf(UUID.fromString("6f1c2b1e-0000-4000-8000-000000000003")).position()).isEqualTo(2);
  }
}
