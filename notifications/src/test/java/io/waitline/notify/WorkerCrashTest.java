package io.waitline.notify;

import static io.waitline.notify.support.NotifyWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.store.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes share the database. Node A claims a message and is killed in the middle of sending it; node B takes the
 * message over when A's lease runs out, asks Twilio whether it exists, and sends it only if it does not.
 */
class WorkerCrashTest {
  private NotifyWorld world;
  private FakeTwilio twilio;
  private Notifications nodeB;

  @BeforeEach
  void start() {
    world = NotifyWorld.start();
    twilio = new FakeTwilio(world.vertx).start();
    nodeB = world.notifications(NotifyWorld.config()).worker("node-b")
        .channel(Channels.twilio(world.vertx, twilio, Duration.ofSeconds(1)), Channels.fast()).build();
    world.drain(nodeB);
  }

  @AfterEach
  void stop() {
    world.await(nodeB.stop());
    twilio.close();
    world.close();
  }

  @Test
  void aWorkerKilledAfterTwilioKeptTheMessageProducesNoDuplicate() {
    twilio.hangAfterAccepting.set(1);
    UUID intent = sendOnNodeAThenKillIt(() -> twilio.accepted.size() == 1);

    eventually(Duration.ofSeconds(15), () -> {
      world.drain(nodeB);
      assertThat(state(intent)).isEqualTo("sent");
    });
    assertThat(twilio.accepted).hasSize(1);
    assertThat(twilio.lookups.get()).isPositive();
    assertThat(row(intent).getString("provider_ref")).isEqualTo(twilio.accepted.get(0).sid());
    assertThat(world.attempts(intent)).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .containsExactly("sms:sent");
  }

  @Test
  void aWorkerKilledBeforeTwilioKeptTheMessageSendsItExactlyOnceAfterTheLookup() {
    twilio.swallowNext.set(1);
    UUID intent = sendOnNodeAThenKillIt(() -> twilio.posts.get() == 1);

    eventually(Duration.ofSeconds(15), () -> {
      world.drain(nodeB);
      assertThat(state(intent)).isEqualTo("sent");
    });
    assertThat(twilio.accepted).hasSize(1);
    assertThat(world.attempts(intent)).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .containsExactly("sms:not_sent", "sms:sent");
  }

  @Test
  void aConnectionCutBeforeTwilioKeptTheMessageIsUnknownThenLookedUpAndSentOnce() {
    twilio.dropNext.set(1);
    String q = world.newQueue();
    world.checkIn(q, "Gil Ho", "+447700900500", null);
    eventually(Duration.ofSeconds(10), () -> {
      world.drain(nodeB);
      assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in"))
          .extracting(i -> i.getString("state")).containsExactly("sent");
    });
    UUID intent = UUID.fromString(world.intents().stream().filter(i -> i.getString("kind").equals("checked_in"))
        .findFirst().orElseThrow().getString("id"));
    assertThat(twilio.accepted).hasSize(1);
    assertThat(twilio.posts.get()).isEqualTo(2);
    assertThat(world.attempts(intent)).extracting(a -> a.getString("outcome")).containsExactly("not_sent", "sent");
  }

  /** Node A claims the check-in message and starts sending; it is killed once {@code sentFar} holds. */
  private UUID sendOnNodeAThenKillIt(java.util.function.BooleanSupplier sentFar) {
    Vertx vertxA = Vertx.vertx();
    Pool poolA = TestDatabase.pool(vertxA, world.db, 4);
    Resilience oneTry = new Resilience(50, 10, 6, Duration.ofMillis(800), 2, 1, Duration.ofMillis(20), 0.5,
        Duration.ofMillis(1000), 10, 100, Duration.ofMillis(100));
    Notifications nodeA = Notifications.builder(vertxA, poolA, NotifyWorld.config()).clock(world.clock)
        .worker("node-a")
        .timings(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(1))
        .channel(Channels.twilio(vertxA, twilio, Duration.ofSeconds(1)), oneTry).build();
    String q = world.newQueue();
    world.checkIn(q, "Fay Gu", "+447700900400", null);
    world.await(nodeA.reader().poll());
    nodeA.dispatcher().poll(); // not awaited: it is killed mid-way
    eventually(Duration.ofSeconds(5), () -> assertThat(sentFar.getAsBoolean()).isTrue());
    vertxA.close(); // the process dies: nothing more is recorded by node A
    JsonObject claimed = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst()
        .orElseThrow();
    assertThat(claimed.getString("state")).isEqualTo("sending");
    return UUID.fromString(claimed.getString("id"));
  }

  private JsonObject row(UUID id) {
    return world.intents().stream().filter(i -> i.getString("id").equals(id.toString())).findFirst().orElseThrow();
  }

  private String state(UUID id) {
    return row(id).getString("state");
  }
}
