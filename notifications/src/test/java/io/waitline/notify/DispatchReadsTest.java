package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.waitline.notify.support.Channels;
import io.waitline.notify.support.CountingPool;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What delivering one message costs the database, counted statement by statement: the facts a message needs are two
 * reads, queue-core's joined read of the visit and this module's one read of how to reach the person.
 */
class DispatchReadsTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeTwilio twilio;
  private CountingPool counting;
  private Notifications notifications;

  @BeforeEach
  void start() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    counting = new CountingPool(world.pool);
    notifications = world.drained(world.notifications(NotifyWorld.config(), counting.pool)
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
  }


  @Test
  void aPatientMessageReadsItsFactsInTwoStatements() {
    String queue = world.newQueue();
    world.checkIn(queue, "Ann Lee", "+447700900123", null);
    assertThat(world.await(notifications.reader().poll())).isOne();
    counting.statements.clear();

    assertThat(world.await(notifications.dispatcher().poll())).isOne();

    assertThat(twilio.accepted).hasSize(1);
    assertThat(counting.starting("SELECT")).as("reads of one message: %s", counting.statements).hasSize(2);
    // claim, 2 reads, attempt with the lease, attempt + intent outcome, delivery report check
    assertThat(counting.statements).as("every statement of one message").hasSize(7);
  }

  @Test
  void aStaffAlertReadsItsFactsInTwoStatements() {
    String queue = world.newQueue();
    world.checkIn(queue, "Ann Lee", null, null);
    world.drain(notifications);
    world.clock.advance(Duration.ofHours(3));
    assertThat(world.await(notifications.scanLongWaits())).isOne();
    counting.statements.clear();

    world.await(notifications.dispatcher().poll());

    assertThat(counting.starting("SELECT")).as("reads of one alert: %s", counting.statements).hasSize(2);
  }
}
