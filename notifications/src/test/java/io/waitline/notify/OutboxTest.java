package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.OrderingRule;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.event.EventPayloadCodec;
import io.waitline.queue.event.QueueEventPayload;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event log read as an outbox: in id order, never past an id a transaction in flight may still commit. */
class OutboxTest {
  private NotifyWorld world;
  private Notifications notifications;
  private String queue;
  private String other;

  @BeforeEach
  void start() {
    world = NotifyWorld.start();
    notifications = world.notifications(NotifyWorld.config()).build();
    world.drain(notifications);
    queue = world.newQueue();
    other = world.newQueue(); // the hand-written events go here: their row lock must not block check-ins
    world.drain(notifications);
  }

  @AfterEach
  void stop() {
    world.await(notifications.stop());
    world.close();
  }

  @Test
  void theReaderWaitsAtAnIdWhoseTransactionIsStillOpenAndReadsItOnceCommitted() {
    SqlConnection held = world.await(world.pool.getConnection());
    Transaction tx = world.await(held.begin());
    long inFlight = insertEvent(held, 1000);
    world.checkIn(queue, "After The Gap", "+447700902000", null); // committed, with a higher id

    assertThat(world.await(notifications.reader().poll())).isZero();
    assertThat(checkpoint()).isLessThan(inFlight);

    world.await(tx.commit());
    world.await(held.close());
    assertThat(world.await(notifications.reader().poll())).isEqualTo(2);
    assertThat(checkpoint()).isGreaterThan(inFlight);
    assertThat(world.intents()).extracting(i -> i.getString("kind")).contains("checked_in");
  }

  @Test
  void anIdLeftByARolledBackTransactionIsPassedOnceNobodyWritesTheLog() {
    SqlConnection held = world.await(world.pool.getConnection());
    Transaction tx = world.await(held.begin());
    long rolledBack = insertEvent(held, 1001);
    world.await(tx.rollback());
    world.await(held.close());
    world.checkIn(queue, "After The Rollback", "+447700902001", null);

    assertThat(world.await(notifications.reader().poll())).isOne();
    assertThat(checkpoint()).isGreaterThan(rolledBack);
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

  private long insertEvent(SqlConnection c, long seq) {
    JsonObject payload = EventPayloadCodec.encode(new QueueEventPayload(QueueEventPayload.VERSION, null, List.of(),
        new ServiceQueue(other, NotifyWorld.SITE, "Other", "O", OrderingRule.DEFAULT, 600, false, 2, seq)));
    return world.await(c.preparedQuery("INSERT INTO queue_event (queue_id, seq, type, payload, at)"
            + " VALUES ($1, $2, 'staff_changed', $3, $4) RETURNING id")
        .execute(Tuple.of(other, seq, payload, OffsetDateTime.now()))).iterator().next().getLong(0);
  }

  private long checkpoint() {
    return world.await(world.pool.query("SELECT last_event_id FROM notify_checkpoint").execute()).iterator().next()
        .getLong(0);
  }
}
