package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.push.FcmPushChannel;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeFcm;
import io.waitline.notify.support.FakePushService;
import io.waitline.notify.support.FakeSmtp;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.notify.webpush.VapidKeys;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * All four channels at once, each against its local fake speaking the provider's API (FCM through firebase-admin,
 * a Web Push service that decrypts, Twilio through twilio-java, SMTP): a message every channel refuses waits for
 * staff, and push and Web Push, whose breakers cannot probe, are used again once the open time has passed on the
 * test clock after their provider recovered. Time moves only with the world's test clock; {@link NotifyWorld#drain}
 * runs the module until nothing is due, so "nothing more happened" is read after it, not after a pause.
 */
class EveryChannelTest {
  /**
   * The production breaker's open time; one try per send, so each failed message counts once; a time limit long
   * enough for a loaded machine (this class proves no deadline), short enough for the tests' lease.
   */
  private static final Duration OPEN_FOR = Resilience.defaults().openFor();
  private static final Resilience GUARD = new Resilience(50, 10, 6, OPEN_FOR, 2, 1, Duration.ofMillis(20), 0.5,
      Duration.ofSeconds(5), 20, 1000, Duration.ofMillis(500));

  private final VapidKeys vapid = VapidKeys.generate();
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeFcm fcm;
  private FakePushService pushService;
  private FakeTwilio twilio;
  private FakeSmtp smtp;
  private Notifications notifications;

  @BeforeEach
  void start() {
    fcm = world.closing(new FakeFcm(world.vertx).start());
    pushService = world.closing(new FakePushService(world.vertx).start());
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    smtp = world.closing(new FakeSmtp(world.vertx).start());
    notifications = world.drained(world.notifications(NotifyWorld.configWithLocalPushService())
        .channel(new FcmPushChannel(world.vertx, fcm.app(), 4), GUARD)
        .channel(Channels.webPush(world.vertx, vapid), GUARD)
        .channel(Channels.twilio(world.vertx, twilio, GUARD.timeout()), GUARD)
        .channel(Channels.email(world.vertx, smtp, GUARD.timeout()), GUARD));
  }


  @Test
  void aMessageEveryChannelRefusesWaitsForStaffAndIsNotTriedAgainByItselfAnHourLater() throws Exception {
    String q = world.newQueue();
    twilio.invalidNumbers.add("+447700904001");
    smtp.refusedRecipients.put("nowhere@example.org", 550);
    Entry e = world.checkIn(q, "Nell Nowhere", "+447700904001", "nowhere@example.org");
    String token = world.token(e.id());
    world.await(notifications.registerPushToken(token, "dead-device", "android"));
    fcm.unregistered.add("dead-device");
    FakePushService.Subscriber browser = pushService.subscribe();
    pushService.gone.add(browser.id());
    world.await(notifications.subscribeWebPush(token, browser.subscription()));
    world.callNext(q, "Room 9");
    world.drain(notifications);

    JsonObject called = called(e.id());
    assertThat(called.getString("state")).isEqualTo("failed");
    assertThat(world.attempts(id(called))).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .containsExactly("push:rejected", "web_push:rejected", "sms:rejected", "email:rejected");
    assertThat(row("SELECT next_attempt_at, excluded::text FROM notify_intent WHERE id = $1", id(called)))
        .as("waits for staff: no next try of its own, every channel ruled out")
        .containsEntry("next_attempt_at", null).containsEntry("excluded", "{push,web_push,sms,email}");
    assertThat(world.await(notifications.siteNotifications(NotifyWorld.SITE, null, 50)).stream()
        .map(o -> ((JsonObject) o).getString("id"))).as("listed for staff").contains(called.getString("id"));

    world.clock.advance(Duration.ofHours(1));
    world.drain(notifications);

    assertThat(world.attempts(id(called))).as("attempts an hour later").hasSize(4);
    assertThat(called(e.id()).getString("state")).isEqualTo("failed");
    assertThat(fcm.accepted).isEmpty();
    assertThat(pushService.received).isEmpty();
    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body).noneMatch(b -> b.contains("Room 9"));
    assertThat(smtp.delivered).isEmpty();
  }

  @Test
  void pushIsUsedAgainOnceItsOpenTimeHasPassedAfterFcmRecovers() {
    fcm.failRate = 1;
    provesRecovery("push", patientToken -> world.await(notifications.registerPushToken(patientToken,
        "device-" + UUID.randomUUID(), "android")), () -> fcm.accepted.size(), () -> fcm.failRate = 0);
  }

  @Test
  void webPushIsUsedAgainOnceItsOpenTimeHasPassedAfterThePushServiceRecovers() {
    pushService.down = true;
    provesRecovery("web_push", patientToken -> {
      try {
        world.await(notifications.subscribeWebPush(patientToken, pushService.subscribe().subscription()));
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }, () -> pushService.received.size(), () -> pushService.down = false);
  }

  /**
   * Calls patients who can be reached on {@code channel} (set up by {@code reachable}) and by SMS while the provider
   * fails, until its breaker opens; then the provider recovers: a call made before the open time has passed still
   * passes the channel over (SMS carries it), one made after it has passed on the test clock goes by the channel.
   */
  private void provesRecovery(String channel, Consumer<String> reachable, java.util.function.IntSupplier delivered,
      Runnable recover) {
    boolean opened = false;
    for (int i = 0; i < 10 && !opened; i++) {
      JsonObject c = call(reachable);
      List<String> outcomes = world.attempts(id(c)).stream().filter(a -> a.getString("channel").equals(channel))
          .map(a -> a.getString("outcome")).toList();
      assertThat(outcomes).as("%s while its provider fails", channel).isNotEmpty().doesNotContain("sent");
      assertThat(c.getString("state") + ":" + c.getString("channel")).isEqualTo("sent:sms");
      opened = outcomes.contains("skipped");
    }
    assertThat(opened).as("the %s breaker opened", channel).isTrue();

    recover.run();
    JsonObject stillOpen = call(reachable);
    assertThat(world.attempts(id(stillOpen))).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .as("before the open time has passed").containsExactly(channel + ":skipped", "sms:sent");
    assertThat(delivered.getAsInt()).isZero();

    world.clock.advance(OPEN_FOR);
    JsonObject trial = call(reachable);
    assertThat(trial.getString("state") + ":" + trial.getString("channel")).isEqualTo("sent:" + channel);
    assertThat(world.attempts(id(trial))).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .containsExactly(channel + ":sent");
    assertThat(delivered.getAsInt()).as("what the provider took since it recovered").isEqualTo(1);
  }

  /** A patient alone in a new queue, reachable as {@code reachable} sets up and by SMS, called; their message. */
  private JsonObject call(Consumer<String> reachable) {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Rae Recover", "+447700904100", null);
    reachable.accept(world.token(e.id()));
    world.drain(notifications);
    world.callNext(q, "Room 3");
    world.drain(notifications);
    return called(e.id());
  }

  private JsonObject called(UUID entryId) {
    return world.intents().stream().filter(i -> i.getString("kind").equals("called")
        && i.getString("entry_id").equals(entryId.toString())).findFirst().orElseThrow();
  }

  private java.util.Map<String, Object> row(String sql, UUID id) {
    return world.await(world.pool.preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next()
        .toJson().getMap();
  }

  private static UUID id(JsonObject intent) {
    return UUID.fromString(intent.getString("id"));
  }
}
