package io.waitline.notify.email;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.waitline.notify.Channel;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.NotificationChannel;
import io.waitline.notify.channel.Outgoing;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * E-mail over SMTP with vertx-mail-client (non-blocking). The Message-ID is derived from the intent, so a message
 * re-sent after an unknown outcome is recognised as the same message by mail systems.
 */
public final class EmailChannel implements NotificationChannel {
  /**
   * @param tls {@code none}, {@code starttls} (required) or {@code tls} (implicit, usually port 465)
   */
  public record Settings(String host, int port, String user, String password, String from, String tls,
      Duration timeout) {}

  private final MailClient client;
  private final Settings settings;
  private final String domain;

  public EmailChannel(Vertx vertx, Settings settings) {
    this.settings = settings;
    String tls = settings.tls() == null ? "none" : settings.tls().toLowerCase(Locale.ROOT);
    MailConfig config = new MailConfig()
        .setHostname(settings.host())
        .setPort(settings.port())
        .setSsl("tls".equals(tls))
        .setStarttls("starttls".equals(tls) ? StartTLSOptions.REQUIRED : StartTLSOptions.OPTIONAL)
        .setKeepAlive(true)
        .setMaxPoolSize(4)
        .setConnectTimeout((int) settings.timeout().toMillis());
    if (settings.user() != null) {
      config.setUsername(settings.user()).setPassword(settings.password()).setLogin(LoginOption.REQUIRED);
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.create(vertx, config);
    int at = settings.from().lastIndexOf('@');
    this.domain = at < 0 ? "waitline.local" : settings.from().substring(at + 1).replaceAll("[>\\s]", "");
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
    return client.sendMail(mail)
        .<Delivery>map(r -> new Delivery(messageId(out), List.of()))
        .recover(err -> Future.failedFuture(classify(err)));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  static ChannelException classify(Throwable err) {
    if (err instanceof SMTPException smtp) {
      String what = "the mail server answered " + smtp.getReplyCode() + ": " + smtp.getReplyMessage();
      return smtp.isPermanent() ? new ChannelException.Rejected(what, List.of(), false)
          : new ChannelException.Transient(what, err);
    }
    if (err instanceof ConnectException || err.getCause() instanceof ConnectException
        || String.valueOf(err.getMessage()).contains("Connection refused")) {
      return new ChannelException.Transient("cannot connect to the mail server: " + err.getMessage(), err);
    }
    // the connection broke at a point we cannot see: the server may have taken the message
    return new ChannelException.Unknown("the mail server connection failed: " + err.getMessage(), err);
  }
}
