package io.waitline.notify;

import static io.waitline.notify.support.NotifyWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.vertx.core.json.JsonObject;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.push.FcmPushChannel;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeFcm;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Providers that fail, answer late or are down, with the module running as in production (pumps, timers, wake-ups):
 * every intended message reaches its patient exactly once, through some channel.
 */
class ChaosTest {
  private static final List<String> ENDED = List.of("sent", "delivered", "cancelled", "skipped");
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeTwilio twilio;
  private FakeFcm fcm;
  private GreenMail mail;
  private Notifications notifications;

  @BeforeEach
  void start() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    fcm = world.closing(new FakeFcm(world.vertx).start());
    mail = Channels.greenMail();
    world.onClose(mail::stop);
  }


  private Notifications run(Notifications.Builder b) {
    notifications = world.running(b);
    eventually(Duration.ofSeconds(5), () -> assertThat(world.await(
        world.pool.query("SELECT count(*) FROM notify_checkpoint").execute()).iterator().next().getLong(0)).isOne());
    return notifications;
  }

  @Test
  void everyMessageIsDeliveredExactlyOnceWhenPushAndSmsFailThirtyPercentOfRequests() {
    fcm.failRate = 0.3;
    twilio.failRate = 0.3;
    run(world.notifications(NotifyWorld.config())
        .channel(new FcmPushChannel(world.vertx, fcm.app(), 8), Channels.fast())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast())
        .channel(Channels.email(world.vertx, mail), Channels.fast()));
    String q = world.newQueue();
    List<Entry> patients = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Entry e = world.checkIn(q, "Patient " + i, "+4477009001" + String.format("%02d", i), "p" + i + "@example.org");
      world.await(notifications.registerPushToken(world.token(e.id()), "device-token-" + i, "android"));
      patients.add(e);
    }
    for (int i = 0; i < 8; i++) world.callNext(q, "Room " + (i % 3 + 1));

    eventually(Duration.ofSeconds(60), () -> assertThat(world.intents())
        .filteredOn(i -> !ENDED.contains(i.getString("state"))).isEmpty());
    assertExactlyOnce();
    assertThat(twilio.posts.get() + fcm.requests.get()).as("failed requests were retried")
        .isGreaterThan(twilio.accepted.size() + fcm.accepted.size());
  }

  @Test
  void smsThatTwilioAnswersTooLateIsLookedUpNotSentAgainAndNotSentByEmail() {
    twilio.answerLate = sms -> sms.to().endsWith("0") || sms.to().endsWith("2") || sms.to().endsWith("4");
    twilio.lateMillis = 6000; // well past the time limit, however late the machine runs its timer
    Resilience shortTimeout = Channels.fast().withTimeout(Channels.GIVE_UP);
    run(world.notifications(NotifyWorld.config())
        .channel(Channels.twilio(world.vertx, twilio, Channels.GIVE_UP), shortTimeout)
        .channel(Channels.email(world.vertx, mail), Channels.fast()));
    String q = world.newQueue();
    for (int i = 0; i < 6; i++) world.checkIn(q, "Patient " + i, "+44770090020" + i, "late" + i + "@example.org");

    eventually(Duration.ofSeconds(30), () -> assertThat(world.intents())
        .filteredOn(i -> i.getString("kind").equals("checked_in"))
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("sent")).hasSize(6));
    assertExactlyOnce();
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertThat(twilio.accepted).hasSize(6);
    assertThat(twilio.lookups.get()).as("unknown outcomes were looked up").isGreaterThanOrEqualTo(3);
  }

  @Test
  void anOpenSmsBreakerLetsTrialCallsThroughAsSoonAsTwilioAnswersAgainNotAfterItsHourLongOpenTime() {
    twilio.stop();
    Resilience hourLongOpen = new Resilience(50, 4, 4, Duration.ofHours(1), 1, 1, Duration.ofMillis(20), 0.5,
        Channels.fast().timeout(), 20, 1000, Duration.ofMillis(500));
    run(world.notifications(NotifyWorld.config())
        .channel(Channels.twilio(world.vertx, twilio), hourLongOpen)
        .channel(Channels.email(world.vertx, mail), Channels.fast()));
    CircuitBreaker breaker = notifications.guards().get(Channel.SMS).breaker();
    String q = world.newQueue();
    for (int i = 0; i < 6; i++) world.checkIn(q, "Patient " + i, "+44770090050" + i, "probe" + i + "@example.org");
    eventually(Duration.ofSeconds(30), () -> assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN));

    twilio.start();
    eventually(Duration.ofSeconds(10), () -> assertThat(breaker.getState()).isNotEqualTo(CircuitBreaker.State.OPEN));
    assertThat(twilio.accountReads.get()).as("probes, which send nothing").isPositive();
    world.checkIn(q, "Sms Only", "+447700900599", null);
    eventually(Duration.ofSeconds(10), () -> assertThat(twilio.accepted).extracting(FakeTwilio.Sms::to)
        .contains("+447700900599"));
  }

  @Test
  void whenTwilioIsDownTheBreakerOpensMessagesGoByEmailAndTheBreakerClosesWhenTwilioIsBack() {
    twilio.stop();
    run(world.notifications(NotifyWorld.config())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast())
        .channel(Channels.email(world.vertx, mail), Channels.fast()));
    CircuitBreaker breaker = notifications.guards().get(Channel.SMS).breaker();
    List<String> transitions = new CopyOnWriteArrayList<>();
    breaker.getEventPublisher().onStateTransition(
        (CircuitBreakerOnStateTransitionEvent e) -> transitions.add(e.getStateTransition().name()));

    String q = world.newQueue();
    for (int i = 0; i < 6; i++) world.checkIn(q, "Patient " + i, "+44770090030" + i, "down" + i + "@example.org");
    eventually(Duration.ofSeconds(30), () -> assertThat(mail.getReceivedMessages()).hasSize(6));
    assertThat(transitions).contains("CLOSED_TO_OPEN");
    assertThat(twilio.posts.get()).isZero();
    // with the breaker open, later messages do not even try SMS
    long skipped = world.await(world.pool.query("SELECT count(*) FROM notify_attempt WHERE channel = 'sms'"
        + " AND outcome = 'skipped'").execute()).iterator().next().getLong(0);
    assertThat(skipped).isPositive();

    twilio.start();
    // SMS-only patients' messages wait (failed, retried) until their trial calls find Twilio answering and close it
    for (int i = 0; i < Channels.fast().halfOpenCalls(); i++) world.checkIn(q, "Back " + i, "+44770090040" + i, null);
    eventually(Duration.ofSeconds(10), () -> assertThat(transitions)
        .containsSubsequence("CLOSED_TO_OPEN", "OPEN_TO_HALF_OPEN", "HALF_OPEN_TO_CLOSED"));
    eventually(Duration.ofSeconds(10), () -> assertThat(twilio.accepted).isNotEmpty());
    eventually(Duration.ofSeconds(10), () -> assertThat(world.intents())
        .filteredOn(i -> !ENDED.contains(i.getString("state"))).isEmpty());
    assertExactlyOnce();
  }

  /**
   * Every intent ended, and for a documented reason: {@code sent} (or {@code delivered}) with exactly one copy at the
   * providers; or, with none, {@code cancelled} because the visit moved on, or a position alert {@code skipped}
   * because the check-in message or a nearer threshold already told that place. Nothing reached anyone that was not
   * recorded as sent.
   */
  private void assertExactlyOnce() {
    Map<String, Integer> deliveries = new HashMap<>();
    for (FakeTwilio.Sms s : twilio.accepted) {
      deliveries.merge(s.statusCallback().substring(s.statusCallback().indexOf("intent=") + 7), 1, Integer::sum);
    }
    for (FakeFcm.Push p : fcm.accepted) deliveries.merge(p.message().getJsonObject("data").getString("intent"), 1,
        Integer::sum);
    try {
      for (MimeMessage m : mail.getReceivedMessages()) {
        deliveries.merge(m.getMessageID().substring(1, 37), 1, Integer::sum);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    List<JsonObject> intents = world.intents();
    assertThat(intents).isNotEmpty();
    for (JsonObject i : intents) {
      String what = i.getString("kind") + " " + i.getString("id") + " (" + i.getString("last_error") + ")";
      switch (i.getString("state")) {
        case "sent", "delivered" -> assertThat(deliveries.get(i.getString("id"))).as("copies of " + what).isEqualTo(1);
        case "cancelled" -> {
          assertThat(i.getString("last_error")).as(what).startsWith("no longer relevant: the patient is now");
          assertThat(deliveries).as("copies of " + what).doesNotContainKey(i.getString("id"));
        }
        case "skipped" -> {
          assertThat(i.getString("kind")).as(what).isEqualTo("position_reached");
          assertThat(i.getString("last_error")).as(what)
              .isIn("told their place on arrival", "a nearer threshold was sent");
          assertThat(deliveries).as("copies of " + what).doesNotContainKey(i.getString("id"));
        }
        default -> throw new AssertionError(what + " ended " + i.getString("state"));
      }
    }
    assertThat(deliveries.keySet()).as("nothing delivered that was not recorded as sent")
        .containsExactlyInAnyOrderElementsOf(intents.stream()
            .filter(i -> List.of("sent", "delivered").contains(i.getString("state")))
            .map(i -> i.getString("id")).toList());
  }
}
