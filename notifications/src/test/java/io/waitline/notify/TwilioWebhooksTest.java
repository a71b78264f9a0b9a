package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.sms.TwilioWebhooks;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Twilio's delivery reports and inbound SMS (STOP, START, HELP), signed as Twilio signs them. */
class TwilioWebhooksTest extends SmsAndEmailSetup {
  private static final String STATUS_URL = NotifyWorld.PUBLIC_URL + "/api/v1/twilio/message-status";
  private TwilioWebhooks hooks;

  @Override
  protected NotificationsConfig config() {
    return signedByTwilio();
  }

  /** The module's configuration with the local Twilio account's credentials, so its webhooks can be verified. */
  static NotificationsConfig signedByTwilio() {
    return NotifyWorld.config(k -> switch (k) {
      case "TWILIO_ACCOUNT_SID" -> FakeTwilio.SID;
      case "TWILIO_AUTH_TOKEN" -> FakeTwilio.TOKEN;
      case "TWILIO_FROM" -> FakeTwilio.FROM;
      default -> null;
    });
  }

  @BeforeEach
  void hooks() {
    hooks = notifications.twilio();
  }

  @Test
  void onlyRequestsSignedWithTheAuthTokenAreTrusted() {
    Map<String, String> params = Map.of("MessageSid", "SM1", "MessageStatus", "delivered");
    String url = STATUS_URL + "?intent=abc";
    assertThat(hooks.verify(url, params, sign(FakeTwilio.TOKEN, url, params))).isTrue();
    assertThat(hooks.verify(url, params, sign("another-token", url, params))).isFalse();
    assertThat(hooks.verify(url, Map.of("MessageSid", "SM1", "MessageStatus", "failed"),
        sign(FakeTwilio.TOKEN, url, params))).isFalse();
    assertThat(hooks.verify(STATUS_URL, params, sign(FakeTwilio.TOKEN, url, params))).isFalse();
    assertThat(hooks.verify(url, params, null)).isFalse();
  }

  @Test
  void aDeliveredReportMarksTheMessageDelivered() {
    FakeTwilio.Sms sms = sendOne("+447700901000", null);
    world.await(hooks.statusCallback(report(sms, "sent", null), intentOf(sms)));
    world.await(hooks.statusCallback(report(sms, "delivered", null), intentOf(sms)));
    world.await(hooks.statusCallback(report(sms, "sent", null), intentOf(sms))); // late and out of order

    JsonObject intent = checkedIn();
    assertThat(intent.getString("state")).isEqualTo("delivered");
  }

  @Test
  void anUndeliveredReportSendsTheMessageOnByEmail() throws Exception {
    FakeTwilio.Sms sms = sendOne("+447700901001", "undelivered@example.org");
    world.await(hooks.statusCallback(report(sms, "undelivered", "30003"), intentOf(sms)));
    world.drain(notifications);

    assertThat(mail.getReceivedMessages()).hasSize(1);
    assertThat(twilio.accepted).hasSize(1);
    JsonObject intent = checkedIn();
    assertThat(intent.getString("state")).isEqualTo("sent");
    assertThat(intent.getString("channel")).isEqualTo("email");
  }

  @Test
  void stopOptsTheNumberOutEverywhereAndStartOptsItBackIn() {
    String q = world.newQueue();
    String stopTwiml = world.await(hooks.inbound(Map.of("From", "+447700901002", "Body", " stop ")));
    assertThat(stopTwiml).contains("<Response").doesNotContain("<Message>");
    world.checkIn(q, "Opted Out", "+447700901002", "optout@example.org");
    world.drain(notifications);
    assertThat(twilio.accepted).isEmpty();
    assertThat(mail.getReceivedMessages()).hasSize(1);

    String startTwiml = world.await(hooks.inbound(Map.of("From", "+447700901002", "Body", "START")));
    assertThat(startTwiml).contains("<Message>").contains("Reply STOP");
    world.checkIn(q, "Back In", "+447700901002", null);
    world.drain(notifications);
    assertThat(twilio.accepted).hasSize(1);

    assertThat(world.await(hooks.inbound(Map.of("From", "+447700901002", "Body", "help"))))
        .contains("STOP").contains("START");
  }

  @Test
  void aNumberTwilioReportsUnsubscribedIsRecordedAsOptedOut() {
    twilio.unsubscribed.add("+447700901003");
    String q = world.newQueue();
    world.checkIn(q, "Un Sub", "+447700901003", "unsub@example.org");
    world.drain(notifications);
    world.checkIn(q, "Un Sub Again", "+447700901003", null);
    world.drain(notifications);

    assertThat(twilio.posts.get()).as("the second patient's SMS is not even tried").isOne();
    assertThat(world.await(world.pool.query("SELECT phone FROM notify_sms_optout").execute()).iterator().next()
        .getString(0)).isEqualTo("+447700901003");
  }

  private FakeTwilio.Sms sendOne(String phone, String email) {
    String q = world.newQueue();
    world.checkIn(q, "Some One", phone, email);
    world.drain(notifications);
    assertThat(twilio.accepted).hasSize(1);
    return twilio.accepted.get(0);
  }

  private JsonObject checkedIn() {
    return world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst().orElseThrow();
  }

  static String intentOf(FakeTwilio.Sms sms) {
    return sms.statusCallback().substring(sms.statusCallback().indexOf("intent=") + 7);
  }

  static Map<String, String> report(FakeTwilio.Sms sms, String status, String error) {
    Map<String, String> p = new TreeMap<>(Map.of("MessageSid", sms.sid(), "SmsSid", sms.sid(), "MessageStatus", status,
        "AccountSid", FakeTwilio.SID, "From", sms.from(), "To", sms.to(), "ApiVersion", "2010-04-01"));
    if (error != null) p.put("ErrorCode", error);
    return p;
  }

  /** Twilio's scheme, written out: Base64(HMAC-SHA1(token, url + every key and value sorted by key)). */
  static String sign(String token, String url, Map<String, String> params) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
