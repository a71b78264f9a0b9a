package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.CountingPool;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.command.TestClock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker that stalls after claiming a message, past its lease: another worker takes the message over and sends
 * it, and the slow one, when it moves again, neither sends nor records anything.
 */
class LostLeaseTest {
  /** The lease {@link NotifyWorld#notifications} gives. */

  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeTwilio twilio;
  private CountingPool slowPool;
  private Notifications slow;
  private Notifications other;
  /** The other worker's clock, moved past the slow worker's lease. */
  private final TestClock later = TestClock.running(NotifyWorld.START);

  @BeforeEach
  void start() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    slowPool = new CountingPool(world.pool);
    slow = world.built(world.notifications(NotifyWorld.config(), slowPool.pool).worker("slow")
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
    other = world.built(world.notifications(NotifyWorld.config()).clock(later).worker("other")
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
    world.drain(slow);
  }


  @Test
  void aWorkerThatStallsPastItsLeaseJustBeforeSendingSendsNothingOnceAnotherWorkerTookTheMessage() {
    String q = world.newQueue();
    world.checkIn(q, "Lee Stall", "+447700900600", null);
    assertThat(world.await(slow.reader().poll())).isOne();

    // the slow worker claims the message and stalls where it would record its attempt and send
    Future<Void> stalled = slowPool.hold("WITH held AS");
    Future<Integer> slowPoll = slow.dispatcher().poll();
    world.await(stalled);

    later.set(world.clock.instant().plus(NotifyWorld.LEASE).plusSeconds(1));
    assertThat(world.await(other.dispatcher().poll())).as("taken over once the lease ran out").isOne();
    assertThat(twilio.accepted).hasSize(1);

    slowPool.release();
    assertThat(world.await(slowPoll)).isOne();

    assertThat(twilio.accepted).as("the slow worker sent nothing").hasSize(1);
    assertThat(twilio.posts.get()).isOne();
    JsonObject intent = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst()
        .orElseThrow();
    assertThat(intent.getString("state")).isEqualTo("sent");
    assertThat(intent.getString("provider_ref")).isEqualTo(twilio.accepted.get(0).sid());
    assertThat(world.await(world.pool.preparedQuery("SELECT worker || ':' || outcome FROM notify_attempt"
        + " WHERE intent_id = $1").execute(Tuple.of(UUID.fromString(intent.getString("id")))))
        .iterator().next().getString(0)).isEqualTo("other:sent");
    assertThat(world.attempts(UUID.fromString(intent.getString("id")))).hasSize(1);
  }
}
