package io.waitline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.Outgoing;
import io.waitline.notify.channel.Recipient;
import io.waitline.notify.email.EmailChannel;
import io.waitline.notify.support.Channels;
import io.waitline.notify.support.FakeSmtp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SMTP client's secure paths against a local mail server with a certificate made for the test: STARTTLS and
 * implicit TLS, AUTH PLAIN and AUTH LOGIN, and what it refuses to do (send over an untrusted or plain connection
 * when TLS is required).
 */
class SmtpSecurityTest {
  private static final String USER = "clinic-mailer";
  private static final String PASSWORD = "correct horse battery staple";

  private final Vertx vertx = Vertx.vertx();
  private final SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
  private FakeSmtp smtp;
  private EmailChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) await(channel.close());
    if (smtp != null) smtp.close();
    cert.delete();
    await(vertx.close());
  }

  @Test
  void startTlsThenAuthPlainDeliversOverTheEncryptedConnectionAsTheConfiguredUser() throws Exception {
    smtp = new FakeSmtp(vertx).tls(cert, false).requireLogin(USER, PASSWORD, "PLAIN LOGIN").start();
    channel = email("starttls", PASSWORD, cert.certificatePath());

    await(channel.send(message("ann@example.org")));

    assertThat(smtp.delivered).singleElement().satisfies(m -> {
      assertThat(m.to()).isEqualTo("ann@example.org");
      assertThat(m.secure()).as("over TLS").isTrue();
      assertThat(m.user()).isEqualTo(USER);
    });
  }

  @Test
  void implicitTlsWithAuthLoginDeliversAsTheConfiguredUser() throws Exception {
    smtp = new FakeSmtp(vertx).tls(cert, true).requireLogin(USER, PASSWORD, "LOGIN").start();
    channel = email("tls", PASSWORD, cert.certificatePath());

    await(channel.send(message("bo@example.org")));

    assertThat(smtp.delivered).singleElement().satisfies(m -> {
      assertThat(m.secure()).isTrue();
      assertThat(m.user()).isEqualTo(USER);
    });
  }

  @Test
  void aWrongPasswordIsRefusedWithTheServersAnswerAndNothingIsDelivered() {
    smtp = new FakeSmtp(vertx).tls(cert, false).requireLogin(USER, PASSWORD, "PLAIN LOGIN").start();
    channel = email("starttls", "not the password", cert.certificatePath());

    assertThat(failure(channel.send(message("cy@example.org")))).isInstanceOf(ChannelException.Transient.class)
        .hasMessageContaining("535").hasMessageContaining("AUTH PLAIN");
    assertThat(smtp.delivered).isEmpty();
  }

  @Test
  void aCertificateNotChainingToATrustedOneStopsTheSendBeforeAnyCredentialIsSent() {
    smtp = new FakeSmtp(vertx).tls(cert, false).requireLogin(USER, PASSWORD, "PLAIN LOGIN").start();
    channel = email("starttls", PASSWORD, null); // the JVM's trusted certificates: the test's is not among them

    assertThat(failure(channel.send(message("di@example.org")))).isInstanceOf(ChannelException.class);
    assertThat(smtp.delivered).isEmpty();
    assertThat(smtp.logins.get()).as("credentials offered").isZero();
  }

  @Test
  void aServerThatDoesNotOfferStartTlsGetsNoMailWhenTlsIsRequired() {
    smtp = new FakeSmtp(vertx).start(); // plain SMTP only
    channel = email("starttls", PASSWORD, null);

    assertThat(failure(channel.send(message("ed@example.org")))).isInstanceOf(ChannelException.Transient.class)
        .hasMessageContaining("STARTTLS");
    assertThat(smtp.delivered).isEmpty();
  }

  private EmailChannel email(String tls, String password, String caFile) {
    return new EmailChannel(vertx, new EmailChannel.Settings("localhost", smtp.port(), USER, password,
        Channels.MAIL_FROM, tls, caFile, Duration.ofSeconds(20)));
  }

  private static Outgoing message(String to) {
    return new Outgoing(UUID.randomUUID(), Kind.CHECKED_IN, false, new Message("Ticket A-001",
        "You are checked in.", "You are checked in.", "You are checked in, ticket A-001.", null),
        new Recipient(null, to, List.of(), List.of()));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<Delivery> f) {
    try {
      await(f);
      throw new AssertionError("expected the send to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
