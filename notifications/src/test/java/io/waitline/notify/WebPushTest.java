package io.waitline.notify;

import static io.waitline.queue.Refused.Kind.INVALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakePushService;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.notify.webpush.VapidKeys;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Web Push with real RFC 8291 encryption and VAPID to a local push service that decrypts with the subscriber's
 * private key, as the browser would.
 */
class WebPushTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakePushService pushService;
  private FakeTwilio twilio;
  private Notifications notifications;
  private final VapidKeys vapid = VapidKeys.generate();

  @BeforeEach
  void start() {
    pushService = world.closing(new FakePushService(world.vertx).start());
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    notifications = world.drained(world.notifications(NotifyWorld.configWithLocalPushService())
        .channel(Channels.webPush(world.vertx, vapid), Channels.fast())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
  }


  @Test
  void thePayloadIsEncryptedForTheSubscriberAndDecryptsToTheMessage() throws Exception {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Kim Lo", null, null);
    String token = world.token(e.id());
    FakePushService.Subscriber browser = pushService.subscribe();
    world.await(notifications.subscribeWebPush(token, browser.subscription()));
    world.callNext(q, "Room 4");
    world.drain(notifications);

    assertThat(pushService.rejectedSignatures).isEmpty();
    assertThat(pushService.received).hasSize(1);
    FakePushService.Received got = pushService.received.get(0);
    JsonObject intent = world.intents().stream().filter(i -> i.getString("kind").equals("called")).findFirst()
        .orElseThrow();
    assertThat(got.payload().getString("title")).contains(e.ticket());
    assertThat(got.payload().getString("body")).contains("Room 4").doesNotContain("Kim");
    assertThat(got.payload().getString("url")).isEqualTo(NotifyWorld.PUBLIC_URL + "/visit/" + token);
    assertThat(got.payload().getString("tag")).isEqualTo(intent.getString("id"));
    assertThat(got.headers()).containsEntry("content-encoding", "aes128gcm").containsEntry("urgency", "high")
        .containsEntry("topic", intent.getString("id").replace("-", "")).containsKey("ttl");
    assertThat(intent.getString("channel")).isEqualTo("web_push");
    assertThat(notifications.vapidPublicKey()).isEqualTo(vapid.publicKey());
  }

  @Test
  void subscriptionsThePushServiceReportsGoneOrUnknownAreRemovedAndSmsTakesOver() throws Exception {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Lu Ma", "+447700900700", null);
    String token = world.token(e.id());
    FakePushService.Subscriber expired = pushService.subscribe();
    FakePushService.Subscriber unknown = pushService.subscribe();
    pushService.gone.add(expired.id());
    pushService.notFound.add(unknown.id());
    world.await(notifications.subscribeWebPush(token, expired.subscription()));
    world.await(notifications.subscribeWebPush(token, unknown.subscription()));
    world.drain(notifications);
    world.callNext(q, "Room 5");
    world.drain(notifications);

    assertThat(pushService.received).isEmpty();
    assertThat(world.await(world.pool.query("SELECT count(*) FROM notify_web_push").execute()).iterator().next()
        .getLong(0)).isZero();
    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body).anySatisfy(b -> assertThat(b).contains("Room 5"));
  }

  @Test
  void subscriptionsToUnknownOrInsecurePushServicesAreRefused() throws Exception {
    String q = world.newQueue();
    String token = world.token(world.checkIn(q, "Mo Ng", null, null).id());
    FakePushService.Subscriber b = pushService.subscribe();
    for (String endpoint : List.of("https://attacker.example.com/push/1", "http://fcm.googleapis.com/wp/abc",
        "https://169.254.169.254/latest")) {
      JsonObject s = b.subscription().put("endpoint", endpoint);
      assertThatThrownBy(() -> world.await(notifications.subscribeWebPush(token, s)))
          .isInstanceOf(NotificationException.class).hasFieldOrPropertyWithValue("kind", INVALID);
    }
    JsonObject badKey = b.subscription();
    badKey.getJsonObject("keys").put("p256dh", "AAAA");
    assertThatThrownBy(() -> world.await(notifications.subscribeWebPush(token, badKey)))
        .isInstanceOf(NotificationException.class).hasFieldOrPropertyWithValue("kind", INVALID)
        .hasMessageContaining("p256dh");
    // a real push service is accepted
    JsonObject fcmEndpoint = b.subscription().put("endpoint", "https://fcm.googleapis.com/fcm/send/abc:def");
    world.await(notifications.subscribeWebPush(token, fcmEndpoint));
  }

  @Test
  void anUnansweredPushIsSentAgainOnWebPushWithTheSameTagAndNeverOnAnotherChannel() throws Exception {
    pushService.answerLate.set(1);
    Notifications quick = world.notifications(NotifyWorld.configWithLocalPushService())
        .channel(Channels.webPush(world.vertx, vapid), Channels.fast().withTimeout(Channels.GIVE_UP))
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast())
        .build();
    String q = world.newQueue();
    Entry e = world.checkIn(q, "No Answer", "+447700900701", null);
    world.await(quick.subscribeWebPush(world.token(e.id()), pushService.subscribe().subscription()));
    world.drain(quick);
    int smsBefore = twilio.accepted.size();
    world.callNext(q, "Room 6");
    NotifyWorld.eventually(Duration.ofSeconds(10), () -> {
      world.drain(quick);
      assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("called"))
          .extracting(i -> i.getString("state")).containsExactly("sent");
    });

    // the browser got the message twice under one tag and topic: it shows one notification
    assertThat(pushService.received).filteredOn(r -> r.payload().getString("body").contains("Room 6")).hasSize(2)
        .extracting(r -> r.payload().getString("tag") + "/" + r.headers().get("topic")).containsOnly(
            pushService.received.get(pushService.received.size() - 1).payload().getString("tag") + "/"
                + pushService.received.get(pushService.received.size() - 1).headers().get("topic"));
    assertThat(twilio.accepted).hasSize(smsBefore);
    world.await(quick.stop());
  }
}
