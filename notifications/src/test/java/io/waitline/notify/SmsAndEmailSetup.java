package io.waitline.notify;

import com.icegreen.greenmail.util.GreenMail;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeTwilio;
import io.waitline.notify.support.NotifyWorld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What tests of SMS and e-mail share: per test a fresh world, a local Twilio Messages API (reached through
 * twilio-java), a GreenMail SMTP server, and the module with SMS first and e-mail as its fallback.
 */
abstract class SmsAndEmailSetup {
  protected NotifyWorld world;
  protected FakeTwilio twilio;
  protected GreenMail mail;
  protected Notifications notifications;

  /** The module's configuration; tests of signed Twilio webhooks give it the account's credentials. */
  protected NotificationsConfig config() {
    return NotifyWorld.config();
  }

  /** Whether the event log is read once before each test, so the test starts with the checkpoint at its end. */
  protected boolean startsDrained() {
    return true;
  }

  @BeforeEach
  final void startChannels() {
    world = NotifyWorld.start();
    twilio = new FakeTwilio(world.vertx).start();
    mail = Channels.greenMail();
    notifications = world.notifications(config())
        .channel(Channels.twilio(world.vertx, twilio), Channels.fast())
        .channel(Channels.email(world.vertx, mail), Channels.fast())
        .build();
    if (startsDrained()) world.drain(notifications);
  }

  @AfterEach
  final void stopChannels() {
    world.await(notifications.stop());
    twilio.close();
    mail.stop();
    world.close();
  }
}
