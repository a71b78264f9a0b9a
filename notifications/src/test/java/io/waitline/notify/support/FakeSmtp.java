package io.waitline.notify.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local SMTP server (RFC 5321) that fails on purpose: it can refuse connections with 421, refuse chosen
 * recipients (451 or 550), trickle its answers a byte at a time, or accept connections and go silent — connections
 * opened while silent are answered once it {@link #answerAgain() answers again}, as a stalled server catching up
 * would. A message counts as delivered only when its final "." arrived, as a real server would.
 *
 * <p>With a certificate it speaks TLS, from the first byte ({@link #implicitTls}) or after STARTTLS (RFC 3207),
 * and then takes no mail over a plain connection; with {@link #requireLogin} it offers AUTH (RFC 4954, PLAIN and
 * LOGIN, or only the mechanisms given) once the connection is secure, and takes mail only after a login.
 */
public final class FakeSmtp implements AutoCloseable {
  /** One message whose transaction completed at the server: over TLS or not, and by which user (null: none). */
  public record Mail(String to, String messageId, String text, boolean secure, String user) {}

  private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(\\S+)");
  private static final Pattern ADDRESS = Pattern.compile("<([^>]*)>");

  public final List<Mail> delivered = new CopyOnWriteArrayList<>();
  public final AtomicInteger connections = new AtomicInteger();
  /** AUTH commands received, right or wrong. */
  public final AtomicInteger logins = new AtomicInteger();
  /** Recipients refused at RCPT, with the reply code (451: try later, 550: no such mailbox). */
  public final Map<String, Integer> refusedRecipients = new ConcurrentHashMap<>();
  public volatile boolean refuseConnections;
  /** Milliseconds between the bytes of each answer; 0 answers at once. */
  public volatile long trickleMillis;

  private final Vertx vertx;
  private volatile Promise<Void> silence;
  private NetServer server;
  private SelfSignedCertificate certificate;
  private boolean implicitTls;
  private String user;
  private String password;
  private String authMechanisms;

  public FakeSmtp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Speaks TLS with {@code cert} (for host {@code localhost}): after STARTTLS, or from the first byte. */
  public FakeSmtp tls(SelfSignedCertificate cert, boolean implicit) {
    this.certificate = cert;
    this.implicitTls = implicit;
    return this;
  }

  /** Takes mail only from {@code user} signed in with {@code password}, offering these AUTH mechanisms. */
  public FakeSmtp requireLogin(String user, String password, String mechanisms) {
    this.user = user;
    this.password = password;
    this.authMechanisms = mechanisms;
    return this;
  }

  public FakeSmtp start() {
    NetServerOptions options = new NetServerOptions();
    if (certificate != null) options.setKeyCertOptions(certificate.keyCertOptions()).setSsl(implicitTls);
    server = vertx.createNetServer(options).connectHandler(this::connected);
    server.listen(0, certificate != null ? "localhost" : "127.0.0.1").toCompletionStage().toCompletableFuture()
        .join();
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  /** Connections opened from now on are accepted and then get no answer until {@link #answerAgain()}. */
  public void goSilent() {
    silence = Promise.promise();
  }

  /** Answers the connections held silent (those still open) and every new one. */
  public void answerAgain() {
    Promise<Void> s = silence;
    silence = null;
    if (s != null) s.tryComplete();
  }

  /** How many messages with this Message-ID were delivered. */
  public long copiesOf(String messageId) {
    return delivered.stream().filter(m -> messageId.equals(m.messageId())).count();
  }

  private void connected(NetSocket socket) {
    connections.incrementAndGet();
    if (refuseConnections) {
      socket.write("421 fake.test busy, try later\r\n").onComplete(v -> socket.close());
      return;
    }
    Promise<Void> s = silence;
    Session session = new Session(socket, s == null ? Future.succeededFuture() : s.future());
    session.then(() -> session.reply("220 fake.test ESMTP"));
    socket.handler(RecordParser.newDelimited("\r\n", b -> session.then(() -> session.line(b))));
    socket.closeHandler(v -> session.closed = true);
  }

  private final class Session {
    private final NetSocket socket;
    private Future<Void> turn;
    private Future<Void> writes = Future.succeededFuture();
    private boolean closed;
    private boolean inData;
    private boolean secure = implicitTls;
    private String signedIn;
    /** The AUTH LOGIN step awaited: the user name, then the password. */
    private String loginStep;
    private String loginUser;
    private String to;
    private final StringBuilder data = new StringBuilder();

    Session(NetSocket socket, Future<Void> gate) {
      this.socket = socket;
      this.turn = gate;
    }

    /** Runs {@code step} after every earlier one, once the server answers (never on a closed connection). */
    void then(Runnable step) {
      turn = turn.compose(v -> {
        if (!closed) step.run();
        return Future.succeededFuture();
      });
    }

    void line(Buffer b) {
      String l = b.toString(StandardCharsets.UTF_8);
      if (inData) {
        if (l.equals(".")) {
          inData = false;
          String text = data.toString();
          Matcher id = MESSAGE_ID.matcher(text);
          delivered.add(new Mail(to, id.find() ? id.group(1) : null, text, secure, signedIn));
          data.setLength(0);
          reply("250 2.0.0 queued");
        } else {
          data.append(l.startsWith("..") ? l.substring(1) : l).append("\r\n");
        }
        return;
      }
      if (loginStep != null) {
        login(l);
        return;
      }
      String verb = l.length() < 4 ? l.toUpperCase(Locale.ROOT) : l.substring(0, 4).toUpperCase(Locale.ROOT);
      switch (verb) {
        case "EHLO" -> reply("250-fake.test\r\n250-PIPELINING\r\n"
            + (certificate != null && !secure ? "250-STARTTLS\r\n" : "")
            + (user != null && secure ? "250-AUTH " + authMechanisms + "\r\n" : "") + "250 8BITMIME");
        case "HELO" -> reply("250 fake.test");
        case "STAR" -> {
          if (certificate == null || secure) {
            reply("502 5.5.1 no STARTTLS here");
            return;
          }
          // the 220 goes out in clear with the upgrade itself, so the TLS layer is in place before the client's
          // handshake can arrive
          writes = writes.compose(v -> socket.upgradeToSsl(Buffer.buffer("220 2.0.0 ready to start TLS\r\n")))
              .onSuccess(v -> secure = true);
        }
        case "AUTH" -> auth(l);
        case "MAIL" -> {
          if (certificate != null && !secure) {
            reply("530 5.7.0 must issue a STARTTLS command first");
          } else if (user != null && signedIn == null) {
            reply("530 5.7.0 authentication required");
          } else {
            reply("250 2.1.0 ok");
          }
        }
        case "RCPT" -> {
          Matcher m = ADDRESS.matcher(l);
          String address = m.find() ? m.group(1) : "";
          Integer refused = refusedRecipients.get(address);
          if (refused != null) {
            reply(refused + (refused >= 500 ? " 5.1.1 no such mailbox" : " 4.2.0 mailbox busy, try later"));
          } else {
            to = address;
            reply("250 2.1.5 ok");
          }
        }
        case "DATA" -> {
          inData = true;
          reply("354 end with <CRLF>.<CRLF>");
        }
        case "RSET" -> reply("250 ok");
        case "NOOP" -> reply("250 ok");
        case "QUIT" -> {
          reply("221 bye");
          writes.onComplete(v -> socket.close());
        }
        default -> reply("502 5.5.2 not implemented");
      }
    }

    /** {@code AUTH PLAIN <base64>} at once, or {@code AUTH LOGIN} in two more steps. */
    void auth(String l) {
      logins.incrementAndGet();
      String[] words = l.split(" ");
      String mechanism = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
      if (user == null || !secure || !authMechanisms.contains(mechanism)) {
        reply("504 5.5.4 unrecognised authentication type");
      } else if (mechanism.equals("PLAIN") && words.length == 3) {
        String[] parts = decode(words[2]).split("\0", -1);
        signIn(parts.length == 3 ? parts[1] : "", parts.length == 3 ? parts[2] : "");
      } else if (mechanism.equals("LOGIN")) {
        loginStep = "user";
        reply("334 " + encode("Username:"));
      } else {
        reply("501 5.5.2 malformed AUTH");
      }
    }

    void login(String l) {
      if (loginStep.equals("user")) {
        loginUser = decode(l);
        loginStep = "password";
        reply("334 " + encode("Password:"));
      } else {
        loginStep = null;
        signIn(loginUser, decode(l));
      }
    }

    void signIn(String name, String secret) {
      if (user.equals(name) && password.equals(secret)) {
        signedIn = name;
        reply("235 2.7.0 authentication successful");
      } else {
        reply("535 5.7.8 authentication credentials invalid");
      }
    }

    /** Answers in order; trickled a byte at a time when {@link #trickleMillis} is set. */
    void reply(String text) {
      Buffer out = Buffer.buffer(text + "\r\n");
      writes = writes.compose(v -> trickleMillis <= 0 ? socket.write(out) : trickle(out, 0));
    }

    private Future<Void> trickle(Buffer out, int i) {
      if (closed || i == out.length()) return Future.succeededFuture();
      Promise<Void> next = Promise.promise();
      socket.write(out.getBuffer(i, i + 1));
      vertx.setTimer(trickleMillis, id -> trickle(out, i + 1).onComplete(next));
      return next.future();
    }
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    answerAgain();
    if (server != null) server.close().toCompletionStage().toCompletableFuture().join();
  }
}
