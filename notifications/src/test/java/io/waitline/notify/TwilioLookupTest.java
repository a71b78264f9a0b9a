package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * After a send to Twilio whose outcome is unknown, the look-up finds the message wherever it is among the
 * recipient's messages, and never takes another message with the very same text for it.
 */
class TwilioLookupTest extends SmsAndEmailSetup {
  private static final String PHONE = "+447700900700";

  @Test
  void aMessageTwilioKeptIsFoundBeyondTheFirstPageOfTheRecipientsMessagesAndNotSentAgain() {
    // the number has more than a page of newer messages (Twilio lists the newest first)
    for (int i = 0; i < 60; i++) {
      twilio.accepted.add(new FakeTwilio.Sms("SMnewer" + i, PHONE, FakeTwilio.FROM, "Another sender's news " + i,
          null, Instant.now().plus(Duration.ofHours(1)).plusSeconds(i)));
    }
    twilio.failAfterAccepting.set(1); // kept, then answered 500: unknown, so it is looked up
    String q = world.newQueue();
    world.checkIn(q, "Pat Page", PHONE, null);
    NotifyWorld.eventually(Duration.ofSeconds(10), () -> {
      world.drain(notifications);
      assertThat(checkedIn().getString("state")).isEqualTo("sent");
    });

    assertThat(twilio.posts.get()).as("sent once, found on the second page").isOne();
    String kept = twilio.accepted.stream().filter(m -> m.body().contains("checked in")).findFirst().orElseThrow().sid();
    assertThat(checkedIn().getString("provider_ref")).isEqualTo(kept);
    assertThat(outcomes(checkedIn())).containsExactly("sms:sent");
  }

  @Test
  void aRecallWhoseSendIsCutOffIsNotTakenForTheFirstCallWithTheSameTextAndIsSent() {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Rea Call", PHONE, null);
    world.callNext(q, "Room 3");
    world.drain(notifications);
    List<JsonObject> calls = called();
    assertThat(calls).extracting(i -> i.getString("state")).containsExactly("sent");

    twilio.dropNext.set(1); // the recall's send is cut off before Twilio keeps it: unknown
    world.await(world.commands.recall(e.id(), "test"));
    NotifyWorld.eventually(Duration.ofSeconds(10), () -> {
      world.drain(notifications);
      assertThat(called()).extracting(i -> i.getString("state")).containsExactly("sent", "sent");
    });

    List<FakeTwilio.Sms> texts = twilio.accepted.stream().filter(s -> s.body().contains("Room 3")).toList();
    assertThat(texts).hasSize(2);
    assertThat(texts.get(0).body()).isEqualTo(texts.get(1).body());
    assertThat(called()).extracting(i -> i.getString("provider_ref"))
        .containsExactlyInAnyOrder(texts.get(0).sid(), texts.get(1).sid());
    assertThat(outcomes(called().get(1))).containsExactly("sms:not_sent", "sms:sent");
  }

  private JsonObject checkedIn() {
    return world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).findFirst().orElseThrow();
  }

  private List<JsonObject> called() {
    return world.intents().stream().filter(i -> i.getString("kind").equals("called")).toList();
  }

  private List<String> outcomes(JsonObject intent) {
    return world.attempts(UUID.fromString(intent.getString("id"))).stream()
        .map(a -> a.getString("channel") + ":" + a.getString("outcome")).toList();
  }
}
