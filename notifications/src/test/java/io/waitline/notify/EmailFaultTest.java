package io.waitline.notify;

import static io.waitline.notify.support.NotifyWorld.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.json.JsonObject;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.email.EmailChannel;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeSmtp;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import io.waitline.queue.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mail server that fails on purpose (silent, refusing recipients, trickling), with the module running as in
 * production: every message reaches its patient once, a time-out never leaves a copy able to arrive later, one
 * recipient's trouble does not count against the mail server, and the server is used again soon after it answers.
 */
class EmailFaultTest {
  @RegisterExtension
  final NotifyWorld world = NotifyWorld.start();
  private FakeSmtp smtp;
  private FakeTwilio twilio;
  private Notifications notifications;

  @BeforeEach
  void start() {
    smtp = world.closing(new FakeSmtp(world.vertx).start());
    twilio = world.closing(new FakeTwilio(world.vertx).start());
  }


  /**
   * Starts the module with e-mail given up on after {@code mailLimit}: {@link Channels#GIVE_UP} where the mail
   * server hangs on purpose, the healthy limit of {@link Channels#fast()} where it answers (refusals included).
   */
  private void run(boolean withSms, Duration mailLimit) {
    Notifications.Builder b = world.notifications(NotifyWorld.config())
        .channel(Channels.email(world.vertx, smtp, mailLimit), Channels.fast().withTimeout(mailLimit));
    if (withSms) b.channel(Channels.twilio(world.vertx, twilio), Channels.fast());
    notifications = world.running(b);
  }

  @Test
  void aMailServerThatAcceptsThenGoesSilentNeverDeliversTheAbandonedCopiesAndIsUsedAgainOnceItAnswers() {
    smtp.goSilent();
    run(false, Channels.GIVE_UP);
    String q = world.newQueue();
    List<Entry> patients = new ArrayList<>();
    for (int i = 0; i < 4; i++) patients.add(world.checkIn(q, "Silent " + i, null, "silent" + i + "@example.org"));

    // every first try waits out the time limit on a connection that was accepted and never answered
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).hasSize(4)
        .allSatisfy(i -> assertThat(world.attempts(id(i))).extracting(a -> a.getString("detail"))
            .anyMatch(d -> d != null && d.contains("closed before the message was complete"))));
    int silentConnections = smtp.connections.get();
    assertThat(smtp.delivered).isEmpty();

    long answered = System.nanoTime();
    smtp.answerAgain(); // the stalled connections are answered now: an open one would complete its message
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn())
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("sent")));
    assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("used again soon after it answers")
        .isLessThan(Duration.ofSeconds(5));

    Entry marker = world.checkIn(q, "Marker", null, "marker@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(smtp.delivered).extracting(FakeSmtp.Mail::to)
        .contains("marker@example.org"));
    assertThat(smtp.delivered).extracting(FakeSmtp.Mail::to).containsExactlyInAnyOrder("silent0@example.org",
        "silent1@example.org", "silent2@example.org", "silent3@example.org", "marker@example.org");
    for (JsonObject i : checkedIn()) assertThat(smtp.copiesOf(messageId(i))).isOne();
    assertThat(silentConnections).isGreaterThanOrEqualTo(4);
    assertThat(marker.id()).isNotNull();
  }

  @Test
  void anUrgentCallFailsOverToSmsWithinSecondsWhileTheMailServerIsSilentAndNoEmailCopyArrivesLater() {
    run(true, Channels.GIVE_UP);
    String q = world.newQueue();
    Entry e = world.checkIn(q, "Urgent Call", "+447700903001", "urgent@example.org");
    world.await(notifications.savePreferences(world.token(e.id()),
        new Preferences(List.of(Channel.EMAIL, Channel.SMS), null, false)));
    eventually(Duration.ofSeconds(10), () -> assertThat(smtp.delivered).hasSize(1));

    smtp.goSilent();
    long called = System.nanoTime();
    world.callNext(q, "Room 3");
    eventually(Duration.ofSeconds(10), () -> assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body)
        .anyMatch(b -> b.contains("Room 3")));
    assertThat(Duration.ofNanos(System.nanoTime() - called)).as("failed over within seconds")
        .isLessThan(Duration.ofSeconds(4));
    eventually(Duration.ofSeconds(5), () -> assertThat(called()).extracting(i -> i.getString("state"),
        i -> i.getString("channel")).containsExactly(Tuple.tuple("sent", "sms")));
    JsonObject call = called().get(0);

    smtp.answerAgain();
    world.checkIn(q, "Marker", null, "marker@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(smtp.delivered).extracting(FakeSmtp.Mail::to)
        .contains("marker@example.org"));
    assertThat(smtp.copiesOf(messageId(call))).as("the abandoned e-mail of the call").isZero();
    assertThat(twilio.accepted).filteredOn(s -> s.body().contains("Room 3")).hasSize(1);
  }

  @Test
  void anUrgentCallDoesNotWaitBehindBatchesOfSlowSendsAndGivesUpOnTheSilentMailServerWithinSeconds() {
    Resilience slowMail = new Resilience(50, 100, 100, Duration.ofMillis(800), 2, 1, Duration.ofMillis(20), 0.5,
        Duration.ofSeconds(6), 50, 1000, Duration.ofMillis(500));
    notifications = world.running(world.notifications(NotifyWorld.config())
        .channel(new EmailChannel(world.vertx, new EmailChannel.Settings("127.0.0.1", smtp.port(), null, null,
            Channels.MAIL_FROM, "none", null, slowMail.timeout())), slowMail)
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast()));
    String q = world.newQueue();
    Entry first = world.checkIn(q, "Called First", "+447700903002", "first@example.org");
    world.await(notifications.savePreferences(world.token(first.id()),
        new Preferences(List.of(Channel.EMAIL, Channel.SMS), null, false)));
    eventually(Duration.ofSeconds(5), () -> assertThat(smtp.delivered).hasSize(1));
    smtp.goSilent();
    for (int i = 0; i < 20; i++) world.checkIn(q, "Waiting " + i, null, "waiting" + i + "@example.org");
    // both workers are busy with e-mails the silent server holds for 6 s each
    eventually(Duration.ofSeconds(5), () -> assertThat(smtp.connections.get()).isGreaterThanOrEqualTo(3));

    long called = System.nanoTime();
    world.callNext(q, "Room 5");
    eventually(Duration.ofSeconds(10), () -> assertThat(twilio.accepted).extracting(FakeTwilio.Sms::body)
        .anyMatch(b -> b.contains("Room 5")));
    assertThat(Duration.ofNanos(System.nanoTime() - called)).as("the call reached the patient within seconds")
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMessageRefusedOnEveryChannelWaitsForStaffAndAStaffRetryTriesEveryChannelAgain() {
    run(true, Channels.fast().timeout());
    String q = world.newQueue();
    twilio.invalidNumbers.add("+447700903009");
    smtp.refusedRecipients.put("nobody@example.org", 550);
    world.checkIn(q, "Nowhere", "+447700903009", "nobody@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).singleElement()
        .satisfies(i -> assertThat(i.getString("state")).isEqualTo("failed")));
    JsonObject waiting = checkedIn().get(0);
    assertThat(world.attempts(id(waiting))).extracting(a -> a.getString("channel") + ":" + a.getString("outcome"))
        .endsWith("sms:rejected", "email:rejected").doesNotContain("sms:sent", "email:sent");
    assertThat(world.await(world.pool.query("SELECT next_attempt_at, excluded::text FROM notify_intent"
        + " WHERE kind = 'checked_in'").execute()).iterator().next().toJson().getMap())
        .as("not tried again by itself").containsEntry("next_attempt_at", null)
        .containsEntry("excluded", "{sms,email}");
    assertThat(world.await(notifications.siteNotifications(NotifyWorld.SITE, null, 50)).stream()
        .map(o -> ((JsonObject) o).getString("id"))).as("shown to staff").contains(waiting.getString("id"));

    smtp.refusedRecipients.clear(); // the patient fixed their mailbox; staff retry
    world.await(notifications.retry(id(waiting)));
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).singleElement()
        .satisfies(i -> assertThat(i.getString("state") + ":" + i.getString("channel")).isEqualTo("sent:email")));
    assertThat(smtp.delivered).extracting(FakeSmtp.Mail::to).containsExactly("nobody@example.org");
  }

  @Test
  void stoppingWhileASendHangsWaitsForItsDeadlineAndRecordsItsOutcome() {
    smtp.goSilent();
    run(false, Channels.GIVE_UP);
    String q = world.newQueue();
    world.checkIn(q, "In Flight", null, "inflight@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).singleElement()
        .satisfies(i -> assertThat(i.getString("state")).isEqualTo("sending")));

    world.await(notifications.stop());
    JsonObject intent = checkedIn().get(0);
    assertThat(intent.getString("state")).as("recorded, not left claimed").isEqualTo("failed");
    assertThat(world.attempts(id(intent))).extracting(a -> a.getString("detail"))
        .singleElement(InstanceOfAssertFactories.STRING)
        .contains("closed before the message was complete");
  }

  @Test
  void temporaryRecipientRefusalsDoNotOpenTheBreakerAndAnUnrelatedPatientStillGetsTheirMail() {
    run(false, Channels.fast().timeout());
    String q = world.newQueue();
    for (int i = 0; i < 8; i++) smtp.refusedRecipients.put("busy" + i + "@example.org", 451);
    for (int i = 0; i < 8; i++) world.checkIn(q, "Busy " + i, null, "busy" + i + "@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).hasSize(8)
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("failed")));

    Entry unrelated = world.checkIn(q, "Unrelated", null, "unrelated@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn())
        .filteredOn(i -> i.getString("entry_id").equals(unrelated.id().toString()))
        .extracting(i -> i.getString("state")).containsExactly("sent"));
    assertThat(smtp.delivered).extracting(FakeSmtp.Mail::to).containsExactly("unrelated@example.org");
    assertThat(notifications.guards().get(Channel.EMAIL).breaker().getState())
        .isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(checkedIn()).filteredOn(i -> !i.getString("state").equals("sent")).hasSize(8)
        .allSatisfy(i -> assertThat(world.attempts(id(i))).isNotEmpty().allSatisfy(a -> {
          assertThat(a.getString("outcome")).isIn("failed", null);
          if (a.getString("outcome") != null) assertThat(a.getString("detail")).contains("451");
        }));
  }

  @Test
  void aMailServerThatTricklesItsAnswersPastTheTimeLimitGetsNoMessageAndTheMessageIsTriedAgain() {
    smtp.trickleMillis = 100; // the greeting alone takes about 2 s, past the 1.5 s limit
    run(false, Channels.GIVE_UP);
    String q = world.newQueue();
    world.checkIn(q, "Trickled", null, "trickled@example.org");
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn()).hasSize(1)
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("failed")));
    assertThat(smtp.delivered).isEmpty();

    smtp.trickleMillis = 0;
    eventually(Duration.ofSeconds(10), () -> assertThat(checkedIn())
        .allSatisfy(i -> assertThat(i.getString("state")).isEqualTo("sent")));
    assertThat(smtp.delivered).hasSize(1);
  }

  private List<JsonObject> called() {
    return world.intents().stream().filter(i -> i.getString("kind").equals("called")).toList();
  }

  private List<JsonObject> checkedIn() {
    return world.intents().stream().filter(i -> i.getString("kind").equals("checked_in")).toList();
  }

  private static UUID id(JsonObject intent) {
    return UUID.fromString(intent.getString("id"));
  }

  private static String messageId(JsonObject intent) {
    return "<" + intent.getString("id") + "@waitline.test>";
  }
}
