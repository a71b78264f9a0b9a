package io.waitline.notify;

import com.icegreen.greenmail.util.GreenMail;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What tests of SMS and e-mail share: per test a fresh world, a local Twilio Messages API (reached through
 * twilio-java), a GreenMail SMTP server, and the module with SMS first and e-mail as its fallback.
 */
abstract class SmsAndEmailSetup {
  @RegisterExtension
  protected final NotifyWorld world = NotifyWorld.start();
  protected FakeTwilio twilio;
  protected GreenMail mail;
  protected Notifications notifications;

  /** The module's configuration; tests of signed Twilio webhooks give it the account's credentials. */
  protected NotificationsConfig config() {
    return NotifyWorld.config();
  }

  /** Whether the module records its outcomes for Kafka, as on a node that uses it. */
  protected boolean publishesOutcomes() {
    return false;
  }

  /** Whether the event log is read once before each test, so the test starts with the checkpoint at its end. */
  protected boolean startsDrained() {
    return true;
  }

  @BeforeEach
  final void startChannels() {
    twilio = world.closing(new FakeTwilio(world.vertx).start());
    mail = Channels.greenMail();
    world.onClose(mail::stop);
    notifications = world.built(world.notifications(config())
        .publishOutcomes(publishesOutcomes())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast())
        .channel(Channels.email(world.vertx, mail), Channels.fast()));
    if (startsDrained()) world.drain(notifications);
  }

}
