package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.store.SiteSettings;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What patients control: channels, language, opting out; and quiet hours, which never hold "you are called". */
class PatientChoicesTest extends SmsAndEmailSetup {

  @Test
  void aPatientWhoPrefersEmailGetsEmailThoughTheyGaveAPhone() {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Ned Oh", "+447700900800", "ned@example.org");
    world.await(notifications.savePreferences(world.token(e.id()),
        new Preferences(List.of(Channel.EMAIL), null, false)));
    world.drain(notifications);
    world.callNext(q, "Room 1");
    world.drain(notifications);

    assertThat(twilio.accepted).isEmpty();
    assertThat(mail.getReceivedMessages()).hasSize(2);
  }

  @Test
  void aPatientWhoOptedOutReceivesNothingAndTheMessageIsRecordedAsSkipped() {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Oz Pa", "+447700900801", "oz@example.org");
    world.await(notifications.savePreferences(world.token(e.id()), new Preferences(List.of(), null, true)));
    world.drain(notifications);
    world.callNext(q, "Room 1");
    world.drain(notifications);

    assertThat(twilio.accepted).isEmpty();
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("called"))
        .extracting(i -> i.getString("state") + ": " + i.getString("last_error"))
        .containsExactly("skipped: the patient opted out of messages");
  }

  @Test
  void theChosenLanguageSelectsTheTemplates() {
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Pia Qu", "+447700900802", null);
    world.await(notifications.savePreferences(world.token(e.id()), new Preferences(List.of(), "es", false)));
    world.drain(notifications);
    world.callNext(q, "Sala 2");
    world.drain(notifications);

    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body)
        .anySatisfy(b -> assertThat(b).contains("le toca").contains("Sala 2"));
  }

  @Test
  void nonUrgentMessagesWaitForTheEndOfQuietHoursButCalledIsNeverHeld() {
    world.await(notifications.saveSiteSettings(NotifyWorld.SITE,
        new SiteSettings(QuietHours.parse("21:00-07:00"), null, null)));
    world.clock.set(Instant.parse("2026-11-20T22:30:00Z")); // 22:30 in London
    String q = world.newQueue();
    world.checkIn(q, "Ray Si", "+447700900803", null);
    Entry second = world.checkIn(q, "Sue Ta", "+447700900804", null);
    world.drain(notifications);
    assertThat(twilio.accepted).isEmpty();
    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in"))
        .extracting(i -> i.getString("state")).containsOnly("held");

    world.callNext(q, "Room 9");
    world.drain(notifications);
    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body).singleElement()
        .satisfies(b -> assertThat(b).contains("Room 9"));

    world.clock.set(Instant.parse("2026-11-21T07:00:30Z"));
    world.drain(notifications);
    // the called patient's check-in message is out of date; the waiting one's goes out now
    List<JsonObject> checkIns = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in"))
        .toList();
    assertThat(checkIns).extracting(i -> i.getString("state")).containsExactlyInAnyOrder("cancelled", "sent");
    // the waiting patient also moved up to first place during the night: told now, once
    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::to)
        .containsExactly("+447700900803", "+447700900804", "+447700900804");
    assertThat(twilio.accepted.subList(1, 3)).extracting(FakeTwilio.Sms::body).allSatisfy(b ->
        assertThat(b).contains(second.ticket())).anySatisfy(b -> assertThat(b).contains("number 1 in line"));
  }

  @Test
  void aStaffRetryOfAMessageHeldForQuietHoursSendsItNowAndOnlyThatOne() {
    world.await(notifications.saveSiteSettings(NotifyWorld.SITE,
        new SiteSettings(QuietHours.parse("21:00-07:00"), null, null)));
    world.clock.set(Instant.parse("2026-11-20T22:30:00Z")); // 22:30 in London
    String q = world.newQueue();
    world.checkIn(q, "Uma Vo", "+447700900805", null);
    world.checkIn(q, "Vic Wu", "+447700900806", null);
    world.drain(notifications);
    List<JsonObject> held = world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).toList();
    assertThat(held).extracting(i -> i.getString("state")).containsOnly("held");

    JsonObject answer = world.await(notifications.retry(UUID.fromString(held.get(0).getString("id"))));
    assertThat(answer.getString("state")).isEqualTo("pending");
    world.drain(notifications);

    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::to).containsExactly("+447700900805");
    assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("checked_in"))
        .extracting(i -> i.getString("state")).containsExactly("sent", "held");
  }
}
