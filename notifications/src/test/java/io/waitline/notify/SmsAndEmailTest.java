package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.vertx.core.json.JsonObject;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.UUID;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SMS through twilio-java to a local Twilio Messages API, e-mail over SMTP to GreenMail, and the fallback between. */
class SmsAndEmailTest extends SmsAndEmailSetup {
  @Override
  protected boolean startsDrained() {
    return false; // its tests read the log themselves: one of them shows where the checkpoint starts
  }

  @Test
  void checkInAndCallReachThePatientBySmsWithTheirLinkAndNoName() {
    world.drain(notifications); // the first pass places the checkpoint at the end of the log
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Ann Lee", "+447700900123", null);
    world.drain(notifications);
    world.callNext(q, "Room 3");
    world.drain(notifications);

    assertThat(twilio.accepted).hasSize(2);
    FakeTwilio.Sms checkedIn = twilio.accepted.get(0);
    assertThat(checkedIn.to()).isEqualTo("+447700900123");
    assertThat(checkedIn.from()).isEqualTo(FakeTwilio.FROM);
    assertThat(checkedIn.body()).contains(e.ticket()).contains("number 1 in line")
        .contains(NotifyWorld.PUBLIC_URL + "/visit/" + world.token(e.id()))
        .doesNotContain("Ann").doesNotContain("Lee").doesNotContain("Blood");
    assertThat(checkedIn.statusCallback()).startsWith(NotifyWorld.PUBLIC_URL + "/api/v1/twilio/message-status?intent=");
    assertThat(twilio.accepted.get(1).body()).contains("Room 3").contains(e.ticket()).doesNotContain("Ann");

    List<JsonObject> intents = world.intents().stream().filter(i -> !i.getString("state").equals("skipped")).toList();
    assertThat(intents).extracting(i -> i.getString("kind")).containsExactly("checked_in", "called");
    assertThat(intents).allSatisfy(i -> {
      assertThat(i.getString("state")).isEqualTo("sent");
      assertThat(i.getString("channel")).isEqualTo("sms");
    });
    assertThat(intents.get(0).getString("provider_ref")).isEqualTo(checkedIn.sid());
  }

  @Test
  void withoutKafkaASentMessageRecordsNoOutcome() {
    world.drain(notifications);
    world.checkIn(world.newQueue(), "Ann Lee", "+447700900123", null);
    world.drain(notifications);

    assertThat(twilio.accepted).hasSize(1);
    assertThat(world.await(world.pool.query("SELECT count(*) FROM notify_outcome").execute()).iterator().next()
        .getLong(0)).isZero();
  }

  @Test
  void emailGoesOverSmtpWithTheIntentAsMessageId() throws Exception {
    world.drain(notifications);
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Bo Chen", null, "bo@example.org");
    world.drain(notifications);

    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    JsonObject intent = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst()
        .orElseThrow();
    assertThat(received[0].getMessageID()).isEqualTo("<" + intent.getString("id") + "@waitline.test>");
    assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("bo@example.org");
    assertThat(received[0].getSubject()).contains(e.ticket()).doesNotContain("Bo");
    String body = received[0].getContent().toString();
    assertThat(body).contains(world.token(e.id())).doesNotContain("Chen").doesNotContain("Blood");
    assertThat(intent.getString("state")).isEqualTo("sent");
    assertThat(intent.getString("channel")).isEqualTo("email");
  }

  @Test
  void aNumberTwilioRejectsFallsBackToEmailAndIsNotRetriedOnSms() {
    world.drain(notifications);
    twilio.invalidNumbers.add("+447700900999");
    String q = world.newQueue();
    world.checkIn(q, "Cy Dee", "+447700900999", "cy@example.org");
    world.drain(notifications);

    assertThat(twilio.accepted).isEmpty();
    assertThat(twilio.posts.get()).isEqualTo(1); // a 400 is not retried
    assertThat(mail.getReceivedMessages()).hasSize(1);
    JsonObject intent = world.intents().get(0);
    assertThat(intent.getString("channel")).isEqualTo("email");
    assertThat(world.attempts(java.util.UUID.fromString(intent.getString("id"))))
        .extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .containsExactly("sms:rejected", "email:sent");
  }

  @Test
  void readingTheEventLogAgainCreatesNoSecondIntentAndSendsNothingTwice() {
    world.drain(notifications);
    String q = world.newQueue();
    world.checkIn(q, "Di Eve", "+447700900124", null);
    world.checkIn(q, "Ed Fox", "+447700900125", null);
    world.drain(notifications);
    int intents = world.intents().size();

    // as if the checkpoint had not been saved: the same events are read again
    world.await(world.pool.query("UPDATE notify_checkpoint SET last_xact = 0, last_event_id = 0").execute());
    world.drain(notifications);

    assertThat(world.intents()).hasSize(intents);
    assertThat(twilio.accepted).hasSize(2);
  }

  @Test
  void aTwilioErrorAnsweredAfterItKeptTheMessageIsLookedUpAndNeverSentTwice() {
    world.drain(notifications);
    twilio.failAfterAccepting.set(1);
    String q = world.newQueue();
    world.checkIn(q, "Ivy Ko", "+447700900126", "ivy@example.org");
    NotifyWorld.eventually(Duration.ofSeconds(10), () -> {
      world.drain(notifications);
      assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in"))
          .extracting(i -> i.getString("state")).containsExactly("sent");
    });
    JsonObject intent = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst()
        .orElseThrow();
    assertThat(twilio.accepted).hasSize(1);
    assertThat(intent.getString("provider_ref")).isEqualTo(twilio.accepted.get(0).sid());
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertThat(world.attempts(UUID.fromString(intent.getString("id"))))
        .extracting(a -> a.getString("channel") + ":" + a.getString("outcome")).containsExactly("sms:sent");
  }
}
