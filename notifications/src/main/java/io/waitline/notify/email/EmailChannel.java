package io.waitline.notify.email;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.mailencoder.EmailAddress;
import io.vertx.ext.mail.mailencoder.MailEncoder;
import io.waitline.notify.Channel;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Outgoing;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * E-mail over SMTP: one connection per message ({@link SmtpTransaction}, non-blocking, on Vert.x's NetClient), the
 * text encoded by vertx-mail-client's MIME encoder. The Message-ID is derived from the intent, so a message re-sent
 * after an unknown outcome is recognised as the same message by mail systems.
 */
public final class EmailChannel implements NotificationChannel {
  /** An urgent message ("you are called") gives up on a silent mail server this soon, for the next channel. */
  static final long URGENT_DEADLINE_MILLIS = 3000;

  /**
   * @param tls {@code none}, {@code starttls} (required) or {@code tls} (implicit, usually port 465)
   * @param caFile PEM certificates the mail server's must chain to, instead of the JVM's trusted ones; null for those
   * @param timeout the deadline of one message, connection included; a transaction still open then is closed
   */
  public record Settings(String host, int port, String user, String password, String from, String tls,
      String caFile, Duration timeout) {}

  private final Vertx vertx;
  private final NetClient net;
  private final Settings settings;
  private final SmtpTransaction.Server server;
  private final String domain;

  public EmailChannel(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    String tls = settings.tls() == null ? "none" : settings.tls().toLowerCase(Locale.ROOT);
    NetClientOptions options = new NetClientOptions()
        .setConnectTimeout((int) settings.timeout().toMillis())
        .setHostnameVerificationAlgorithm("HTTPS")
        .setSsl("tls".equals(tls));
    if (settings.caFile() != null) options.setTrustOptions(new PemTrustOptions().addCertPath(settings.caFile()));
    this.net = vertx.createNetClient(options);
    int at = settings.from().lastIndexOf('@');
    this.domain = at < 0 ? "waitline.local" : settings.from().substring(at + 1).replaceAll("[>\\s]", "");
    this.server = new SmtpTransaction.Server(settings.host(), settings.port(), settings.user(), settings.password(),
        tls, domain);
  }

  @Override
  public Channel channel() {
    return Channel.EMAIL;
  }

  @Override
  public String address(Outgoing out) {
    return out.recipient().email();
  }

  /** The Message-ID every copy of this intent's e-mail carries. */
  public String messageId(Outgoing out) {
    return "<" + out.intentId() + "@" + domain + ">";
  }

  @Override
  public Future<Delivery> send(Outgoing out) {
    MailMessage mail = new MailMessage()
        .setFrom(settings.from())
        .setTo(out.recipient().email())
        .setSubject(out.message().title())
        .setText(out.message().emailBody())
        .setHeaders(MultiMap.caseInsensitiveMultiMap()
            .add("Message-ID", messageId(out))
            .add("Auto-Submitted", "auto-generated")
            .add("X-Waitline-Kind", out.kind().wire()));
    String text = new MailEncoder(mail, domain).encode();
    long deadline = out.urgent() ? Math.min(URGENT_DEADLINE_MILLIS, settings.timeout().toMillis())
        : settings.timeout().toMillis();
    return new SmtpTransaction(vertx, net, server, deadline)
        .send(new EmailAddress(settings.from()).getEmail(), out.recipient().email(), text)
        .map(v -> new Delivery(messageId(out), List.of()));
  }

  @Override
  public boolean canProbe() {
    return true;
  }

  /** The server greets a new connection: it answers again. */
  @Override
  public Future<Void> probe() {
    return new SmtpTransaction(vertx, net, server, settings.timeout().toMillis()).greeting();
  }

  @Override
  public Future<Void> close() {
    return net.close();
  }
}
