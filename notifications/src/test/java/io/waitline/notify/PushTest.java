package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.push.FcmPushChannel;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeFcm;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mobile push through firebase-admin to a local FCM HTTP v1 endpoint. */
class PushTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeFcm fcm;
  private FakeTwilio twilio;
  private Notifications notifications;

  @BeforeEach
  void start() {
    fcm = world.closing(new FakeFcm(world.vertx).start());
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    notifications = world.drained(world.notifications(NotifyWorld.config())
        .channel(new FcmPushChannel(world.vertx, fcm.app(), 4), Channels.fast())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
  }


  @Test
  void beingCalledIsPushedThroughFirebaseAdminWithTheIntentAsCollapseKey() {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Hal Ito", null, null);
    String token = world.token(e.id());
    world.await(notifications.registerPushToken(token, "device-1", "android"));
    world.callNext(q, "Room 7");
    world.drain(notifications);

    assertThat(fcm.accepted).hasSize(1);
    JsonObject m = fcm.accepted.get(0).message();
    JsonObject intent = world.intents().stream().filter(i -> i.getString("kind").equals("called")).findFirst()
        .orElseThrow();
    assertThat(m.getString("token")).isEqualTo("device-1");
    assertThat(m.getJsonObject("notification").getString("title")).contains(e.ticket());
    assertThat(m.getJsonObject("notification").getString("body")).contains("Room 7").doesNotContain("Hal");
    assertThat(m.getJsonObject("data").getString("intent")).isEqualTo(intent.getString("id"));
    assertThat(m.getJsonObject("data").getString("link")).isEqualTo(NotifyWorld.PUBLIC_URL + "/visit/" + token);
    assertThat(m.getJsonObject("android").getString("collapse_key")).isEqualTo(intent.getString("id"));
    assertThat(m.getJsonObject("android").getString("priority")).isEqualTo("high");
    assertThat(m.getJsonObject("apns").getJsonObject("headers").getString("apns-collapse-id"))
        .isEqualTo(intent.getString("id"));
    assertThat(intent.getString("state")).isEqualTo("sent");
    assertThat(intent.getString("channel")).isEqualTo("push");
  }

  @Test
  void tokensFcmReportsDeadAreRemovedInBothErrorForms() {
    fcm.unregistered.add("gone-token");
    fcm.invalid.add("garbled-token");
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Ida Jo", null, null);
    String token = world.token(e.id());
    for (String t : List.of("gone-token", "garbled-token", "live-token")) {
      world.await(notifications.registerPushToken(token, t, "android"));
    }
    world.callNext(q, "Room 1");
    world.drain(notifications);

    assertThat(fcm.accepted).extracting(FakeFcm.Push::token).containsExactly("live-token");
    assertThat(tokens(token)).containsExactly("live-token");
  }

  @Test
  void whenEveryTokenIsDeadPushStepsAsideAndSmsCarriesTheMessage() {
    fcm.unregistered.add("old-phone");
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Jo Ka", "+447700900600", null);
    world.await(notifications.registerPushToken(world.token(e.id()), "old-phone", "ios"));
    world.drain(notifications);
    world.callNext(q, "Room 2");
    world.drain(notifications);

    assertThat(fcm.accepted).isEmpty();
    assertThat(tokens(world.token(e.id()))).isEmpty();
    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body).anySatisfy(b -> assertThat(b).contains("Room 2"));
    JsonObject called = world.intents().stream().filter(i -> i.getString("kind").equals("called")).findFirst()
        .orElseThrow();
    assertThat(called.getString("channel")).isEqualTo("sms");
  }

  private List<String> tokens(String visitToken) {
    return world.await(world.pool.preparedQuery("SELECT token FROM notify_push_token WHERE visit_token = $1")
        .execute(io.vertx.sqlclient.Tuple.of(visitToken))).stream().map(r -> r.getString(0)).toList();
  }
}
