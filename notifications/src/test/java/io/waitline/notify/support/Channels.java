package io.waitline.notify.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.waitline.notify.channel.Resilience;
import io.waitline.notify.email.EmailChannel;
import io.waitline.notify.sms.TwilioSmsChannel;
import io.waitline.notify.webpush.VapidKeys;
import io.waitline.notify.webpush.WebPushChannel;
import java.time.Duration;

/** Real channels pointed at the local fake providers, and resilience settings short enough for tests. */
public final class Channels {
  public static final String MAIL_FROM = "Main Street Clinic <clinic@waitline.test>";
  /**
   * The time limit of a test whose provider hangs on purpose (silent, trickling, never answering): every machine,
   * however slow, reaches it. A provider that answers is given {@link #fast()}'s limit instead.
   */
  public static final Duration GIVE_UP = Duration.ofMillis(1500);

  private Channels() {}

  /** Twilio at the fake, with the time limit of {@link #fast()}. */
  public static TwilioSmsChannel twilio(Vertx vertx, FakeTwilio t) {
    return twilio(vertx, t, fast().timeout());
  }

  public static TwilioSmsChannel twilio(Vertx vertx, FakeTwilio t, Duration timeout) {
    return twilio(vertx, t.url(), timeout);
  }

  /** Twilio at {@code url}, a {@link FakeTwilio} perhaps of another process. */
  public static TwilioSmsChannel twilio(Vertx vertx, String url, Duration timeout) {
    return new TwilioSmsChannel(vertx, new TwilioSmsChannel.Settings(FakeTwilio.SID, FakeTwilio.TOKEN,
        FakeTwilio.FROM, null, NotifyWorld.PUBLIC_URL + "/api/v1/twilio/message-status", url, timeout, 16));
  }

  public static GreenMail greenMail() {
    GreenMail g = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    g.start();
    return g;
  }

  public static EmailChannel email(Vertx vertx, GreenMail g) {
    return new EmailChannel(vertx, new EmailChannel.Settings("127.0.0.1", g.getSmtp().getPort(), null, null,
        MAIL_FROM, "none", null, fast().timeout()));
  }

  /** E-mail to the fake mail server, given up on after {@code timeout}. */
  public static EmailChannel email(Vertx vertx, FakeSmtp smtp, Duration timeout) {
    return new EmailChannel(vertx, new EmailChannel.Settings("127.0.0.1", smtp.port(), null, null, MAIL_FROM, "none",
        null, timeout));
  }

  public static WebPushChannel webPush(Vertx vertx, VapidKeys keys) {
    return new WebPushChannel(vertx, new WebPushChannel.Settings(keys.publicKey(), keys.privateKey(),
        "mailto:ops@waitline.test", fast().timeout()));
  }

  /**
   * Breaker over the last 10 calls, opening at 50% failures after 6 calls, open for 800 ms; 3 attempts with 20 ms
   * backoff and jitter; a 10 s time limit, which a local provider that answers never comes near even on a loaded
   * machine, so a send that should succeed never times out (a test whose provider hangs uses {@link #GIVE_UP}).
   */
  public static Resilience fast() {
    return new Resilience(50, 10, 6, Duration.ofMillis(800), 2, 3, Duration.ofMillis(20), 0.5,
        Duration.ofSeconds(10), 20, 1000, Duration.ofMillis(500));
  }
}
