package io.waitline.queue.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.groups.Tuple.tuple;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.Entry;
import io.waitline.queue.QueueException;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.ServiceTimeEstimator;
import io.waitline.queue.Status;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.event.EventPayloadCodec;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.LegacyPayloads;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import io.waitline.queue.store.QueueStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue event log: one event per change, gap-free seq per queue, published only after commit. */
class EventLogTest {
  @RegisterExtension static final QueueWorld world = QueueWorld.perClass(4);

  @Test
  void everyCommandAppendsExactlyOneEventOfItsKindWithTheNextSeq() {
    ServiceQueue q = world.queue("A");
    QueueCommands c = world.commands;
    Entry[] e = new Entry[3];

    oneEvent(q, EventType.CHECKED_IN, () -> e[0] = world.checkIn(q, "Ann"));
    oneEvent(q, EventType.CHECKED_IN, () -> e[1] = world.checkIn(q, "Bob"));
    oneEvent(q, EventType.CHECKED_IN, () -> e[2] = world.checkIn(q, "Cid"));
    oneEvent(q, EventType.CALLED, () -> world.get(c.callNext(q.id(), "Room 1", "desk")));
    oneEvent(q, EventType.RECALLED, () -> world.get(c.recall(e[0].id(), "desk")));
    oneEvent(q, EventType.SERVICE_STARTED, () -> world.get(c.startService(e[0].id(), "doc")));
    oneEvent(q, EventType.COMPLETED, () -> world.get(c.complete(e[0].id(), "doc")));
    oneEvent(q, EventType.UNDONE, () -> world.get(c.undo(e[0].id(), "doc")));
    oneEvent(q, EventType.COMPLETED, () -> world.get(c.complete(e[0].id(), "doc")));
    oneEvent(q, EventType.CALLED, () -> world.get(c.callNext(q.id(), "Room 2", "desk")));
    oneEvent(q, EventType.NO_SHOW, () -> world.get(c.noShow(e[1].id(), "desk")));
    oneEvent(q, EventType.REQUEUED, () -> world.get(c.requeue(e[1].id(), "desk")));
    oneEvent(q, EventType.RUNNING_LATE, () -> world.get(c.runningLate(e[2].id(), "patient")));
    oneEvent(q, EventType.LEFT, () -> world.get(c.leave(e[2].id(), "patient")));
    oneEvent(q, EventType.CANCELLED, () -> world.get(c.cancel(e[1].id(), "desk")));
    oneEvent(q, EventType.PAUSED, () -> world.get(c.pause(q.id(), true, "manager")));
    oneEvent(q, EventType.RESUMED, () -> world.get(c.pause(q.id(), false, "manager")));
    oneEvent(q, EventType.STAFF_CHANGED, () -> world.get(c.setStaffOnDuty(q.id(), 3, "manager")));
    Entry expected = world.expect(q, "Eve", world.clock.instant().plus(Duration.ofHours(1)), "appt-ev");
    oneEvent(q, EventType.CHECKED_IN, () -> world.get(c.arrive(expected.id(), "kiosk")));

    List<QueueEvent> all = world.events(q);
    assertThat(all).extracting(QueueEvent::seq).containsExactlyElementsOf(
        LongStream.rangeClosed(1, all.size()).boxed().toList());
    assertThat(world.published(q)).containsExactlyElementsOf(all);
  }

  @Test
  void aTransferAppendsOneEventToEachOfTheTwoQueues() {
    ServiceQueue from = world.queue("A");
    ServiceQueue to = world.queue("B");
    Entry e = world.checkIn(from, "Ann");
    world.checkIn(to, "Bob");

    world.get(world.commands.transfer(e.id(), to.id(), null, "desk"));

    assertThat(world.events(from)).extracting(QueueEvent::seq, QueueEvent::type)
        .containsExactly(tuple(1L, EventType.CHECKED_IN),
            tuple(2L, EventType.TRANSFERRED_OUT));
    assertThat(world.events(to)).extracting(QueueEvent::seq, QueueEvent::type)
        .containsExactly(tuple(1L, EventType.CHECKED_IN),
            tuple(2L, EventType.TRANSFERRED_IN));
    assertThat(world.published(from)).containsExactlyElementsOf(world.events(from));
    assertThat(world.published(to)).containsExactlyElementsOf(world.events(to));
  }

  @Test
  void aListenerThatThrowsAfterCommitCostsNeitherTheAnswerNorTheCommandsOtherEvent() {
    List<QueueEvent> reached = new CopyOnWriteArrayList<>();
    QueueCommands breaking = new QueueCommands(world.pool, new QueueStore(), event -> {
      if (event.type() == EventType.TRANSFERRED_OUT) throw new IllegalStateException("a listener broke");
      reached.add(event);
    }, new ServiceTimeEstimator(), world.clock);
    ServiceQueue from = world.queue("A");
    ServiceQueue to = world.queue("B");
    Entry e = world.checkIn(from, "Ann");

    assertThat(world.get(breaking.transfer(e.id(), to.id(), null, "desk")).entry().queueId()).isEqualTo(to.id());

    assertThat(reached).extracting(QueueEvent::type).containsExactly(EventType.TRANSFERRED_IN);
    assertThat(world.events(from)).extracting(QueueEvent::type).endsWith(EventType.TRANSFERRED_OUT);
  }

  @Test
  void aRefusedCommandPublishesNothingAndChangesNothing() {
    ServiceQueue q = world.queue("A");
    Entry e = world.checkIn(q, "Ann");
    world.get(world.commands.callNext(q.id(), "Room 1", "desk"));
    world.get(world.commands.startService(e.id(), "doc"));
    Entry completed = world.entry(world.get(world.commands.complete(e.id(), "doc")));
    int published = world.published(q).size();
    List<QueueEvent> stored = world.events(q);
    long transitions = world.count("SELECT count(*) FROM entry_transition WHERE entry_id = $1", e.id());

    List<Throwable> refusals = new ArrayList<>();
    refusals.add(catchThrowable(() -> world.get(world.commands.recall(e.id(), "desk"))));
    refusals.add(catchThrowable(() -> world.get(world.commands.startService(e.id(), "doc"))));
    refusals.add(catchThrowable(() -> world.get(world.commands.noShow(e.id(), "desk"))));
    refusals.add(catchThrowable(() -> world.get(world.commands.requeue(e.id(), "desk"))));
    refusals.add(catchThrowable(() -> world.get(world.commands.callNext(q.id(), "Room 1", "desk"))));

    assertThat(refusals).allSatisfy(t -> assertThat(t).isInstanceOf(QueueException.Conflict.class));
    assertThat(world.entry(e)).isEqualTo(completed);
    assertThat(completed.status()).isEqualTo(Status.COMPLETED);
    assertThat(world.events(q)).isEqualTo(stored);
    assertThat(world.published(q)).hasSize(published);
    assertThat(world.count("SELECT count(*) FROM entry_transition WHERE entry_id = $1", e.id()))
        .isEqualTo(transitions);
  }

  @Test
  void aCommandFailingAfterItsFirstWritesRollsEverythingBack() {
    ServiceQueue q = world.queue("A");
    world.get(world.commands.checkIn(q.id(), new CheckIn(QueueWorld.patient("Ann"), null,
        world.clock.instant(), "appt-once"), "kiosk"));
    long seq = world.snapshot(q).seq();
    int published = world.published(q).size();

    // takes a ticket number, then fails on the duplicate appointment
    Throwable refusal = catchThrowable(() -> world.get(world.commands.checkIn(q.id(),
        new CheckIn(QueueWorld.patient("Ann"), null, world.clock.instant(), "appt-once"), "kiosk")));

    assertThat(refusal).isInstanceOf(QueueException.Conflict.class);
    assertThat(world.snapshot(q).seq()).isEqualTo(seq);
    assertThat(world.published(q)).hasSize(published);
    assertThat(world.count("SELECT count(*) FROM entry WHERE queue_id = $1", q.id())).isEqualTo(1);
    assertThat(world.count("SELECT last FROM ticket_counter WHERE queue_id = $1", q.id())).isEqualTo(1);
    assertThat(world.checkIn(q, "Bob").ticket()).isEqualTo("A-002");
  }

  @Test
  void eventsArePublishedOnlyOnceTheirTransactionHasCommitted() throws SQLException {
    ServiceQueue q = world.queue("A");
    // The publisher looks from another connection, blocking the event loop while it looks: had the command's
    // transaction not committed yet, its COMMIT could not even be sent, so the event would not be visible.
    List<Long> visibleWhenPublished = new CopyOnWriteArrayList<>();
    try (Connection other = DriverManager.getConnection("jdbc:postgresql://" + world.db.getHost() + ":"
        + world.db.getPort() + "/" + world.db.getDatabase(), world.db.getUser(), world.db.getPassword());
        PreparedStatement visible = other.prepareStatement(
            "SELECT count(*) FROM queue_event WHERE queue_id = ? AND seq = ?")) {
      QueueCommands observed = new QueueCommands(world.pool, new QueueStore(), event -> {
        try {
          visible.setString(1, event.queueId());
          visible.setLong(2, event.seq());
          try (ResultSet rs = visible.executeQuery()) {
            rs.next();
            visibleWhenPublished.add(rs.getLong(1));
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }, new ServiceTimeEstimator(), world.clock);

      Entry e = world.get(observed.checkIn(q.id(), new CheckIn(QueueWorld.patient("Ann"), null, null, null), "k")).entry();
      world.get(observed.callNext(q.id(), "Room 1", "desk"));
      world.get(observed.startService(e.id(), "doc"));
      world.get(observed.complete(e.id(), "doc"));
    }

    assertThat(visibleWhenPublished).containsExactly(1L, 1L, 1L, 1L);
  }

  @Test
  void eventsAfterReturnsOnlyLaterEventsInSeqOrderUpToTheLimit() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < 6; i++) world.checkIn(q, "P" + i);

    assertThat(world.get(world.commands.eventsAfter(q.id(), 2, 3))).extracting(QueueEvent::seq)
        .containsExactly(3L, 4L, 5L);
    assertThat(world.get(world.commands.eventsAfter(q.id(), 6, 10))).isEmpty();
    assertThat(world.get(world.commands.eventsAfter(q.id(), 0, 10))).allSatisfy(ev -> {
      assertThat(ev.queueId()).isEqualTo(q.id());
      assertThat(ev.siteId()).isEqualTo(QueueWorld.SITE);
    });
  }

  @Test
  void aPageOfTheLogStopsBeforeTheEventThatWouldTakeItPastItsBytesAndPagingOnMissesNothing() {
    ServiceQueue q = world.queue("A");
    for (int i = 0; i < 12; i++) world.checkIn(q, "Patient " + i);
    // each check-in's event carries the line after it, so the events grow: take a budget that the first four fill
    long firstFour = world.count("SELECT sum(octet_length(payload::text)) FROM queue_event WHERE queue_id = $1"
        + " AND seq <= 4", q.id());
    long fifth = world.count("SELECT octet_length(payload::text) FROM queue_event WHERE queue_id = $1 AND seq = 5",
        q.id());

    // the fifth starts within the budget, so it comes; the sixth would start past it
    List<QueueEvent> page = world.get(world.commands.eventsPage(q.id(), 0, 100, (int) firstFour + 1));
    List<QueueEvent> exact = world.get(world.commands.eventsPage(q.id(), 0, 100, (int) firstFour));
    List<QueueEvent> roomy = world.get(world.commands.eventsPage(q.id(), 0, 100, (int) (firstFour + fifth + 1)));
    List<QueueEvent> tiny = world.get(world.commands.eventsPage(q.id(), 3, 100, 1));

    assertThat(page).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(exact).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(roomy).extracting(QueueEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(tiny).as("one event, whatever its size").extracting(QueueEvent::seq).containsExactly(4L);
    assertThat(world.get(world.commands.eventsPage(q.id(), 0, 3, Integer.MAX_VALUE))).extracting(QueueEvent::seq)
        .containsExactly(1L, 2L, 3L);
    assertThat(world.get(world.commands.eventsPage(q.id(), 12, 100, 1))).isEmpty();
    // paging on from each page's last seq reads the whole log once, in order, as the unbounded read has it
    List<QueueEvent> paged = new ArrayList<>();
    for (List<QueueEvent> p = page; !p.isEmpty();
        p = world.get(world.commands.eventsPage(q.id(), p.get(p.size() - 1).seq(), 100, (int) firstFour + 1))) {
      paged.addAll(p);
    }
    assertThat(paged).extracting(QueueEvent::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 12).boxed().toList());
    assertThat(paged).usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(world.get(world.commands.eventsAfter(q.id(), 0, 100)));
  }

  @Test
  void anEventCarriesTheChangedEntryAndTheLineAsItIsAfterTheChange() {
    ServiceQueue q = world.queue("A");
    world.checkIn(q, "Ann Lee");
    world.checkIn(q, "Bob Ray");
    Entry called = world.get(world.commands.callNext(q.id(), "Room 4", "desk"));

    QueueEvent event = world.events(q).get(2);
    QueueEventPayload payload = event.payload();

    assertThat(event.type()).isEqualTo(EventType.CALLED);
    assertThat(event.at()).isEqualTo(world.clock.instant());
    assertThat(payload.version()).isEqualTo(QueueEventPayload.VERSION);
    assertThat(payload.entry()).isEqualTo(called);
    assertThat(payload.entry().calledTo()).isEqualTo("Room 4");
    assertThat(payload.lineup()).singleElement().satisfies(place -> {
      assertThat(place.ticket()).isEqualTo("A-002");
      assertThat(place.position()).isEqualTo(1);
    });
    assertThat(payload.queue().version()).isEqualTo(3L);
    assertThat(EventPayloadCodec.encode(payload).getJsonArray("lineup").encode()).doesNotContain("Bob", "Ray");
    // the payload survives its stored form
    assertThat(EventPayloadCodec.decode(EventPayloadCodec.encode(payload))).isEqualTo(payload);
  }

  /** An event log written by an earlier release (unversioned payloads) stays readable by every reader of the log. */
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

    List<LoggedEvent> outbox =
        world.get(world.pool.withConnection(c -> new EventLog().after(c, LogCursor.START, 1000)));
    assertThat(outbox).extracting(LoggedEvent::event).filteredOn(e -> e.queueId().equals(q.id()))
        .containsExactly(world.events(q).toArray(QueueEvent[]::new));

    // the order announced by the legacy row differs from the real line, so a reorder is announced after it
    assertThat(world.get(world.commands.announceReorder(q.id()))).isTrue();
    QueueEvent next = world.events(q).get(2);
    assertThat(next.seq()).isEqualTo(3);
    assertThat(next.payload().version()).isEqualTo(QueueEventPayload.VERSION);
    assertThat(next.payload().lineup()).extracting(QueueEventPayload.Place::ticket).containsExactly("A-001");
    assertThat(EventPayloadCodec.decode(EventPayloadCodec.encode(old.payload())).lineup())
        .isEqualTo(old.payload().lineup());
    assertThat(old.payload().placeOf(UUID.fromString("6f1c2b1e-0000-4000-8000-000000000003")).position()).isEqualTo(2);
  }

  /** Runs a command and checks it appended and published exactly one event, of this type, with the next seq. */
  private static void oneEvent(ServiceQueue q, EventType type, Runnable command) {
    long before = world.snapshot(q).seq();
    int publishedBefore = world.published(q).size();

    command.run();

    List<QueueEvent> added = world.get(world.commands.eventsAfter(q.id(), before, 100));
    assertThat(added).as(type.wire()).extracting(QueueEvent::seq, QueueEvent::type)
        .containsExactly(tuple(before + 1, type));
    assertThat(world.published(q).subList(publishedBefore, world.published(q).size())).as(type.wire())
        .containsExactlyElementsOf(added);
  }
}
