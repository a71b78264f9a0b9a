package io.waitline.notify.email;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.waitline.notify.channel.ChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * One message over one SMTP connection (RFC 5321), opened for it and closed after it. The connection is ours alone,
 * so when the deadline passes it is closed at once: a transaction closed before the final "." is never delivered
 * (RFC 5321 §4.1.1.4), and the message cannot complete later behind our back. Where it stopped decides the
 * outcome — before the final ".": not sent; after it without the server's answer: unknown.
 */
final class SmtpTransaction {
  /** How to reach the mail server; {@code tls} is {@code none}, {@code starttls} (required) or {@code tls}. */
  record Server(String host, int port, String user, String password, String tls, String ownHostname) {}

  private record Reply(int code, List<String> lines) {
    String text() {
      return code + " " + String.join(" ", lines);
    }

    boolean positive() {
      return code >= 200 && code < 400;
    }
  }

  private final Vertx vertx;
  private final NetClient net;
  private final Server server;
  private final long deadlineMillis;
  private final Promise<Void> done = Promise.promise();
  private final List<String> lines = new ArrayList<>();
  private NetSocket socket;
  private Promise<Reply> pending;
  private List<String> capabilities = List.of();
  private boolean finalDotSent;

  SmtpTransaction(Vertx vertx, NetClient net, Server server, long deadlineMillis) {
    this.vertx = vertx;
    this.net = net;
    this.server = server;
    this.deadlineMillis = deadlineMillis;
  }

  /** Succeeds when the server greets a new connection (then says QUIT): it answers again. Sends nothing. */
  Future<Void> greeting() {
    long timer = vertx.setTimer(deadlineMillis, id -> abort(timedOut()));
    open().onComplete(ar -> {
      if (ar.failed()) {
        abort(ar.cause() instanceof ChannelException ? ar.cause()
            : new ChannelException.Transient("cannot connect to the mail server: " + ar.cause().getMessage(),
                ar.cause()));
        return;
      }
      quit();
    });
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /**
   * Connects and waits for the server's greeting. The connection is opened from a Vert.x context so the handler
   * below is set in the same event-loop task that sees the connection complete: called from another thread, the
   * connected socket was handed over in a later task, and a greeting read before it was dropped (the transaction
   * then waited for it until its deadline).
   */
  private Future<Void> open() {
    Promise<Void> greeted = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> connect().onComplete(greeted));
    return greeted.future();
  }

  private Future<Void> connect() {
    return net.connect(server.port(), server.host()).compose(s -> {
      socket = s;
      if (done.future().isComplete()) { // connected after the deadline: nothing is said on this connection
        s.close();
        return Future.failedFuture(done.future().cause());
      }
      s.handler(RecordParser.newDelimited("\r\n", this::line));
      s.closeHandler(v -> abort(lost("the mail server closed the connection")));
      s.exceptionHandler(err -> abort(lost("the mail server connection failed: " + err.getMessage())));
      pending = Promise.promise();
      return expect(pending.future(), 220, "greeting");
    });
  }

  /**
   * Ends a transaction that went well. It is complete before QUIT goes out: the write can complete, and the socket
   * close, within the write call itself, and the close handler must then find nothing left to fail.
   */
  private void quit() {
    done.tryComplete();
    socket.write("QUIT\r\n").onComplete(w -> socket.close());
  }

  /** Sends {@code message} (a complete RFC 5322 text) from {@code from} to {@code to}. */
  Future<Void> send(String from, String to, String message) {
    long timer = vertx.setTimer(deadlineMillis, id -> abort(timedOut()));
    open()
        .compose(v -> hello())
        .compose(v -> startTls())
        .compose(v -> login())
        .compose(v -> expect(command("MAIL FROM:<" + from + ">"), 250, "MAIL FROM"))
        .compose(v -> command("RCPT TO:<" + to + ">"))
        .compose(r -> r.positive() ? Future.succeededFuture() : Future.failedFuture(recipientRefused(r)))
        .compose(v -> expect(command("DATA"), 354, "DATA"))
        .compose(v -> {
          finalDotSent = true;
          return command(dotStuffed(message) + ".");
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            abort(ar.cause() instanceof ChannelException ? ar.cause()
                : socket == null ? new ChannelException.Transient("cannot connect to the mail server: "
                    + ar.cause().getMessage(), ar.cause())
                : lost("the mail server connection failed: " + ar.cause().getMessage()));
            return;
          }
          Reply r = ar.result();
          if (r.code() == 250) {
            quit();
          } else {
            abort(refusedAfterData(r));
          }
        });
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** EHLO, and the capabilities it lists; HELO (no capabilities) for a server without ESMTP. */
  private Future<Void> hello() {
    return command("EHLO " + server.ownHostname()).compose(r -> {
      if (!r.positive()) return expect(command("HELO " + server.ownHostname()), 250, "HELO");
      capabilities = r.lines().stream().map(l -> l.toUpperCase(Locale.ROOT)).toList();
      return Future.succeededFuture();
    });
  }

  private Future<Void> startTls() {
    if (!"starttls".equals(server.tls())) return Future.succeededFuture();
    if (capabilities.stream().noneMatch(c -> c.startsWith("STARTTLS"))) {
      return Future.failedFuture(new ChannelException.Transient(
          "the mail server does not offer STARTTLS, which SMTP_TLS=starttls requires", null));
    }
    return expect(command("STARTTLS"), 220, "STARTTLS")
        .compose(v -> socket.upgradeToSsl(server.host()))
        .compose(v -> hello());
  }

  private Future<Void> login() {
    if (server.user() == null) return Future.succeededFuture();
    boolean plain = capabilities.stream().anyMatch(c -> c.startsWith("AUTH") && c.contains("PLAIN"));
    if (plain) {
      String token = base64("\0" + server.user() + "\0" + server.password());
      return expect(command("AUTH PLAIN " + token), 235, "AUTH PLAIN");
    }
    return expect(command("AUTH LOGIN"), 334, "AUTH LOGIN")
        .compose(v -> expect(command(base64(server.user())), 334, "AUTH LOGIN user"))
        .compose(v -> expect(command(base64(server.password())), 235, "AUTH LOGIN password"));
  }

  private Future<Reply> command(String text) {
    if (done.future().isComplete()) return Future.failedFuture("the transaction has ended");
    pending = Promise.promise();
    Future<Reply> reply = pending.future();
    socket.write(text + "\r\n");
    return reply;
  }

  private Future<Void> expect(Future<Reply> reply, int code, String step) {
    return reply.compose(r -> r.code() == code ? Future.succeededFuture()
        : Future.failedFuture(new ChannelException.Transient(
            "the mail server answered " + r.text() + " to " + step, null)));
  }

  /** One reply line: {@code 250-more} continues a reply, {@code 250 last} ends it. */
  private void line(Buffer b) {
    String l = b.toString(StandardCharsets.UTF_8);
    if (l.length() < 3 || !Character.isDigit(l.charAt(0))) return;
    lines.add(l.length() > 4 ? l.substring(4) : "");
    if (l.length() > 3 && l.charAt(3) == '-') return;
    Reply r = new Reply(Integer.parseInt(l.substring(0, 3)), List.copyOf(lines));
    lines.clear();
    Promise<Reply> p = pending;
    pending = null;
    if (p != null) p.tryComplete(r);
  }

  /** Ends the transaction with {@code why}, closing the connection first if it is still open. */
  private void abort(Throwable why) {
    if (!done.tryFail(why)) return;
    if (pending != null) pending.tryFail(why);
    if (socket != null) socket.close();
  }

  private ChannelException timedOut() {
    String within = "no answer from the mail server within " + deadlineMillis + " ms";
    return finalDotSent
        ? new ChannelException.Unknown(within + " after the message was complete", new TimeoutException())
        : new ChannelException.Transient(within + "; the connection was closed before the message was complete,"
            + " so it was not sent", new TimeoutException());
  }

  private ChannelException lost(String what) {
    return finalDotSent ? new ChannelException.Unknown(what + " after the message was complete", null)
        : new ChannelException.Transient(what + " before the message was complete", null);
  }

  /** A refused recipient is that person's problem, not the mail server's. */
  private ChannelException recipientRefused(Reply r) {
    String what = "the mail server refused the recipient: " + r.text();
    return r.code() >= 500 ? new ChannelException.Rejected(what, List.of(), false)
        : new ChannelException.RecipientUnavailable(what);
  }

  private static ChannelException refusedAfterData(Reply r) {
    String what = "the mail server refused the message: " + r.text();
    return r.code() >= 500 ? new ChannelException.Rejected(what, List.of(), false)
        : new ChannelException.Transient(what, null);
  }

  /** CRLF line ends, and a leading "." doubled so no line of the text can end the message early. */
  static String dotStuffed(String message) {
    StringBuilder out = new StringBuilder(message.length() + 64);
    for (String l : message.split("\r?\n", -1)) {
      if (l.startsWith(".")) out.append('.');
      out.append(l).append("\r\n");
    }
    if (message.endsWith("\n")) out.setLength(out.length() - 2);
    return out.toString();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
