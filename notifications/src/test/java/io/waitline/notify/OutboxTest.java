package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.event.EventPayloadCodec;
import io.waitline.queue.event.QueueEventPayload;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The event log read as an outbox: never past an event whose transaction may still commit, however long it takes,
 * and never held up by one that rolled back.
 */
class OutboxTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private Notifications notifications;
  private String queue;
  private String other;

  @BeforeEach
  void start() {
    notifications = world.drained(world.notifications(NotifyWorld.config()));
    queue = world.newQueue();
    other = world.newQueue(); // the hand-written events go here: their row lock must not block check-ins
    world.drain(notifications);
  }


  @Test
  void aTransactionHoldingItsEventOpenForThirtySecondsStillProducesItsIntents() {
    Entry patient = world.checkIn(other, "Held Open", "+447700902010", null);
    world.drain(notifications);
    SqlConnection held = world.await(world.pool.getConnection());
    Transaction tx = world.await(held.begin());
    long slow = insertEvent(held, 1000, "checked_in", checkInPayload(patient));
    world.checkIn(queue, "After The Slow One", "+447700902011", null); // committed, with a higher id

    for (int second = 0; second <= 30; second += 5) {
      assertThat(world.await(notifications.reader().poll())).as("read at +%d s", second).isZero();
      world.clock.advance(Duration.ofSeconds(5));
    }
    assertThat(intentsOfEvent(slow)).isEmpty();

    world.await(tx.commit());
    world.await(held.close());
    assertThat(world.await(notifications.reader().poll())).isEqualTo(2);
    assertThat(intentsOfEvent(slow)).containsExactly("checked_in:" + slow + ":" + patient.id());
    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in")).hasSize(3);
  }

  @Test
  void aRolledBackEventDelaysNoOneWhileAnotherWriterIsInFlight() {
    SqlConnection rolledBackConn = world.await(world.pool.getConnection());
    Transaction rolledBack = world.await(rolledBackConn.begin());
    long gone = insertEvent(rolledBackConn, 1001, "staff_changed", staffPayload(1001));
    world.await(rolledBack.rollback());
    world.await(rolledBackConn.close());
    Entry patient = world.checkIn(queue, "After The Rollback", "+447700902001", null);
    // steady load: a writer that started after the check-in committed is still writing the log
    SqlConnection writerConn = world.await(world.pool.getConnection());
    Transaction writer = world.await(writerConn.begin());
    long inFlight = insertEvent(writerConn, 1002, "staff_changed", staffPayload(1002));

    assertThat(world.await(notifications.reader().poll())).isOne();
    assertThat(world.intents()).extracting(i -> i.getString("dedupe_key"))
        .anyMatch(k -> k.startsWith("checked_in:") && k.endsWith(":" + patient.id()));
    assertThat(checkpoint()).isGreaterThan(gone).isLessThan(inFlight);

    world.await(writer.commit());
    world.await(writerConn.close());
    assertThat(world.await(notifications.reader().poll())).isOne();
    assertThat(checkpoint()).isEqualTo(inFlight);
  }

  @Test
  void aCheckpointKeptAsAPositionAloneResumesAfterItWithoutReplayingOrSkipping() {
    world.checkIn(queue, "Already Told", "+447700902004", null);
    world.drain(notifications);
    long told = checkpoint();
    // as a release before transaction cursors left it
    world.await(world.pool.query("UPDATE notify_checkpoint SET last_xact = NULL").execute());
    Entry next = world.checkIn(queue, "Not Yet Told", "+447700902005", null);

    assertThat(world.await(notifications.reader().poll())).isOne();
    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in"))
        .extracting(i -> i.getString("entry_id")).endsWith(next.id().toString()).hasSize(2);
    assertThat(checkpoint()).isGreaterThan(told);
  }

  @Test
  void aFirstStartBeginsAtTheEndOfTheLogInsteadOfReplayingHistory() {
    world.checkIn(queue, "Before Notifications", "+447700902002", null);
    world.await(world.pool.query("DELETE FROM notify_checkpoint").execute());
    world.drain(notifications);
    world.checkIn(queue, "After Notifications", "+447700902003", null);
    world.drain(notifications);

    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in")).hasSize(1);
  }

  private long insertEvent(SqlConnection c, long seq, String type, JsonObject payload) {
    return world.await(c.preparedQuery("INSERT INTO queue_event (queue_id, seq, type, payload, at)"
            + " VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(other, seq, type, payload, OffsetDateTime.now()))).iterator().next().getLong(0);
  }

  private JsonObject staffPayload(long seq) {
    return EventPayloadCodec.encode(new QueueEventPayload(QueueEventPayload.VERSION, null, List.of(),
        new ServiceQueue(other, NotifyWorld.SITE, "Other", "O", OrderingRule.DEFAULT, 600, false, 2, seq)));
  }

  /** The payload of the patient's own check-in, as a command writing it again would. */
  private JsonObject checkInPayload(Entry patient) {
    return (JsonObject) world.await(world.pool.preparedQuery("SELECT payload FROM queue_event WHERE queue_id = $1"
        + " AND type = 'checked_in' AND payload->'entry'->>'id' = $2").execute(Tuple.of(other,
            patient.id().toString()))).iterator().next().getValue(0);
  }

  private List<String> intentsOfEvent(long eventId) {
    return world.await(world.pool.preparedQuery("SELECT dedupe_key FROM notify_intent WHERE event_id = $1")
        .execute(Tuple.of(eventId))).stream().map(r -> r.getString(0)).toList();
  }

  private long checkpoint() {
    return world.await(world.pool.query("SELECT last_event_id FROM notify_checkpoint").execute()).iterator().next()
        .getLong(0);
  }
}
