package io.waitline.notify;

import static io.waitline.notify.support.NotifyWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NodeProcess;
import io.waitline.notify.support.NotifyWorld;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes share the database. Node A, a process of its own, claims a message and is killed (SIGKILL) in the middle
 * of sending it; node B takes the message over when A's lease runs out, asks Twilio whether it exists, and sends it
 * only if it does not.
 */
class WorkerCrashTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeTwilio twilio;
  private Notifications nodeB;

  @BeforeEach
  void start() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    nodeB = world.drained(world.notifications(NotifyWorld.config()).worker("node-b")
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
  }


  @Test
  void aWorkerKilledAfterTwilioKeptTheMessageProducesNoDuplicate() throws Exception {
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
  void aWorkerKilledBeforeTwilioKeptTheMessageSendsItExactlyOnceAfterTheLookup() throws Exception {
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

  /**
   * Node A, a JVM of its own, claims the check-in message and starts sending; once {@code sentFar} holds it is killed
   * with SIGKILL, so nothing more is recorded by it.
   */
  private UUID sendOnNodeAThenKillIt(BooleanSupplier sentFar) throws Exception {
    String q = world.newQueue();
    world.checkIn(q, "Fay Gu", "+447700900400", null);
    Process nodeA = NodeProcess.start(world.db, twilio.url(), world.clock.instant());
    try {
      eventually(Duration.ofSeconds(30), () -> assertThat(sentFar.getAsBoolean()).isTrue());
    } finally {
      nodeA.destroyForcibly();
      assertThat(nodeA.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(nodeA.exitValue()).as("killed, not ended").isEqualTo(137);
    JsonObject claimed = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst()
        .orElseThrow();
    assertThat(claimed.getString("state")).isEqualTo("sending");
    world.clock.advance(NodeProcess.LEASE); // node A's claim runs out on node B's clock, not by waiting for it
    return UUID.fromString(claimed.getString("id"));
  }

  private JsonObject row(UUID id) {
    return world.intents().stream().filter(i -> i.getString("id").equals(id.toString())).findFirst().orElseThrow();
  }

  private String state(UUID id) {
    return row(id).getString("state");
  }
}
