package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.store.QueueSettings;
import io.waitline.notify.store.SiteSettings;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import io.waitline.queue.Priority;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "Tell me when I'm N-th", longer waits, pauses, transfers, and staff alerts for long waits. */
class AlertsTest extends SmsAndEmailSetup {

  @Test
  void thePositionAlertFiresOncePerThresholdEvenWhenThePatientMovesBackAndForth() {
    String q = world.newQueue();
    world.await(notifications.saveQueueSettings(q, new QueueSettings(List.of(2), null, null)));
    for (int i = 0; i < 3; i++) world.checkIn(q, "Ahead " + i, null, null);
    Entry watched = world.checkIn(q, "Vi Wu", "+447700900900", null);   // 4th
    world.callNext(q, "Room 1");                                        // 3rd
    world.callNext(q, "Room 1");                                        // 2nd: alert
    world.checkIn(q, "Urgent", null, null, Priority.URGENT);            // back to 3rd
    world.callNext(q, "Room 1");                                        // 2nd again: no second alert
    world.checkIn(q, "Urgent 2", null, null, Priority.URGENT);          // 3rd
    world.callNext(q, "Room 1");                                        // 2nd
    world.drain(notifications);

    List<String> alerts = twilio.accepted.stream().map(FakeTwilio.Sms::body)
        .filter(b -> b.contains("you are now number")).toList();
    assertThat(alerts).singleElement().satisfies(b -> assertThat(b).contains(watched.ticket()).contains("number 2"));
  }

  @Test
  void aPatientIsToldOnceWhenTheirWaitGrowsByTheQueuesStep() {
    String q = world.newQueue();
    world.await(notifications.saveQueueSettings(q, new QueueSettings(List.of(), null, 10)));
    world.await(world.commands.setStaffOnDuty(q, 4, "test"));
    for (int i = 0; i < 5; i++) world.checkIn(q, "Before " + i, null, null);
    Entry watched = world.checkIn(q, "Xo Ye", "+447700900901", null);
    world.drain(notifications);
    int before = twilio.accepted.size();

    world.await(world.commands.setStaffOnDuty(q, 1, "test"));  // the estimate grows a lot
    world.await(world.commands.setStaffOnDuty(q, 4, "test"));  // and shrinks back
    world.await(world.commands.setStaffOnDuty(q, 1, "test"));  // and grows to the same again
    world.drain(notifications);

    List<String> delayed = twilio.accepted.subList(before, twilio.accepted.size()).stream()
        .map(FakeTwilio.Sms::body).filter(b -> b.contains(watched.ticket())).toList();
    assertThat(delayed).singleElement().satisfies(b -> assertThat(b).contains("your wait is now about"));
  }

  @Test
  void pausingAQueueTellsEveryWaitingPatientAndATransferTellsTheNewTicket() {
    String q = world.newQueue();
    String lab = world.newQueue();
    world.await(notifications.saveQueueSettings(q, new QueueSettings(List.of(), null, null)));
    world.await(notifications.saveQueueSettings(lab, new QueueSettings(List.of(), null, null)));
    Entry a = world.checkIn(q, "Za Ab", "+447700900902", null);
    Entry b = world.checkIn(q, "Yb Bc", "+447700900903", null);
    world.drain(notifications);
    twilio.accepted.clear();

    world.await(world.commands.pause(q, true, "test"));
    Entry moved = world.await(world.commands.transfer(b.id(), lab, null, "test")).entry();
    world.drain(notifications);

    assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body)
        .anySatisfy(s -> assertThat(s).contains("paused").contains(a.ticket()))
        .anySatisfy(s -> assertThat(s).contains("moved to another line").contains(moved.ticket()))
        .noneSatisfy(s -> assertThat(s).contains("Blood tests"));
  }

  @Test
  void theRunningModuleAlertsStaffOnItsOwnTimerOnceTheTestClockPassesTheThresholdAndOnlyOncePerPatient()
      throws Exception {
    Notifications running = world.notifications(NotifyWorld.config()).worker("timed")
        .longWaitScan(Duration.ofMillis(100)).channel(Channels.email(world.vertx, mail), Channels.fast()).build();
    try {
      world.await(running.start());
      String q = world.newQueue();
      world.await(running.saveQueueSettings(q, new QueueSettings(List.of(), 30, null)));
      world.await(running.saveSiteSettings(NotifyWorld.SITE, new SiteSettings(null, "desk@clinic.example", null)));
      Entry first = world.checkIn(q, "Al Early", null, null);

      world.clock.advance(Duration.ofMinutes(31));
      NotifyWorld.eventually(Duration.ofSeconds(10), () -> assertThat(mail.getReceivedMessages()).hasSize(1));
      assertThat(mail.getReceivedMessages()[0].getSubject()).contains(first.ticket());

      // a later marker: a second patient passes the threshold; the first, still waiting, is not alerted again
      Entry second = world.checkIn(q, "Bo Later", null, null);
      world.clock.advance(Duration.ofMinutes(31));
      NotifyWorld.eventually(Duration.ofSeconds(10), () -> assertThat(mail.getReceivedMessages()).hasSize(2));
      assertThat(mail.getReceivedMessages()[1].getSubject()).contains(second.ticket());
      assertThat(world.intents()).filteredOn(i -> i.getString("kind").equals("long_wait"))
          .extracting(i -> i.getString("entry_id"))
          .containsExactlyInAnyOrder(first.id().toString(), second.id().toString());
    } finally {
      world.await(running.stop());
    }
  }

  @Test
  void staffAreAlertedOnceWhenAPatientWaitsPastTheQueuesThreshold() throws Exception {
    String q = world.newQueue();
    world.await(notifications.saveQueueSettings(q, new QueueSettings(List.of(), 30, null)));
    world.await(notifications.saveSiteSettings(NotifyWorld.SITE,
        new SiteSettings(null, "desk@clinic.example", null)));
    Entry e = world.checkIn(q, "Wu Xi", null, null);
    world.drain(notifications);
    assertThat(world.await(notifications.scanLongWaits())).isZero();

    world.clock.advance(Duration.ofMinutes(31));
    assertThat(world.await(notifications.scanLongWaits())).isOne();
    assertThat(world.await(notifications.scanLongWaits())).isZero();
    world.drain(notifications);

    MimeMessage[] sent = mail.getReceivedMessages();
    assertThat(sent).hasSize(1);
    assertThat(sent[0].getAllRecipients()[0].toString()).isEqualTo("desk@clinic.example");
    assertThat(sent[0].getSubject()).contains(e.ticket()).contains("31 min").doesNotContain("Wu");
    JsonObject alert = world.intents().stream().filter(i -> i.getString("kind").equals("long_wait")).findFirst()
        .orElseThrow();
    assertThat(alert.getString("state")).isEqualTo("sent");
  }
}
