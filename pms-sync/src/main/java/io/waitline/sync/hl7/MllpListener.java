package io.waitline.sync.hl7;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one MLLP listener for every HL7 v2 source (routed by MSH-4, see {@link Hl7Kind}). Framing runs on the
 * event loop. A sender may send several messages without waiting for their ACKs (pipelining): each message is read
 * by {@code read} as soon as it is framed (off the event loop, several at once), then handed to {@code apply} in the
 * order received, which answers its ACK once applied; the ACKs go back in the order received. The connection stops
 * being read while {@link #MAX_PENDING} of its messages wait. When a message cannot be handled at all (the database
 * is unreachable) the connection is closed without an answer, so the sender resends it. At most
 * {@link #MAX_CONNECTIONS} connections are open at once: one more is closed as soon as it is accepted, so no sender
 * (or scanner) can hold the node's sockets and memory, and a connection idle for {@link #IDLE_TIMEOUT} (unless the
 * options given to {@link #listen} set another) is closed, so senders that vanished do not keep their places.
 *
 * @param <R> a message as read, before it is applied
 */
public final class MllpListener<R> {
  private static final Logger LOG = LoggerFactory.getLogger(MllpListener.class);
  /** Messages of one connection received but not yet answered before it stops being read. */
  static final int MAX_PENDING = 32;
  /** Connections open at once; a practice-management system usually keeps one. */
  public static final int MAX_CONNECTIONS = 200;
  /** A connection with no traffic either way for this long is closed (a sender reconnects when it next sends). */
  public static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

  private final Vertx vertx;
  private final Function<String, Future<R>> read;
  private final Function<R, Future<String>> apply;
  private final Function<String, Future<String>> tooLarge;
  private final int maxBytes;
  private final AtomicInteger open = new AtomicInteger();
  private NetServer server;

  /**
   * @param read a message's text → the message as read; called as soon as it is framed
   * @param apply a message as read → its ACK; called in the order the connection's messages were received; fails
   *     when the message could not be handled (then no ACK is sent)
   * @param tooLarge the head of a message over {@code maxBytes} → its AR
   */
  public MllpListener(Vertx vertx, Function<String, Future<R>> read, Function<R, Future<String>> apply,
      Function<String, Future<String>> tooLarge, int maxBytes) {
    this.vertx = vertx;
    this.read = read;
    this.apply = apply;
    this.tooLarge = tooLarge;
    this.maxBytes = maxBytes;
  }

  /** Starts listening; the future holds the port (useful with port 0). TLS (MLLPS) when the options say so. */
  public Future<Integer> listen(NetServerOptions options) {
    if (options.getIdleTimeout() == 0) {
      options = new NetServerOptions(options).setIdleTimeout((int) IDLE_TIMEOUT.toSeconds())
          .setIdleTimeoutUnit(TimeUnit.SECONDS);
    }
    server = vertx.createNetServer(options).connectHandler(this::connected);
    return server.listen().map(NetServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void connected(NetSocket socket) {
    if (open.incrementAndGet() > MAX_CONNECTIONS) {
      open.decrementAndGet();
      LOG.warn("MLLP connection from {} refused: {} connections are open already, the most this node takes",
          socket.remoteAddress(), MAX_CONNECTIONS);
      socket.close();
      return;
    }
    MllpFramer framer = new MllpFramer(maxBytes);
    int[] pending = {0};
    boolean[] broken = {false};
    Future<?>[] applied = {Future.succeededFuture()};
    Future<?>[] answered = {Future.succeededFuture()};
    socket.closeHandler(closed -> {
      open.decrementAndGet();
      if (framer.inFrame()) {
        LOG.info("MLLP connection from {} closed in the middle of a message; it was not answered",
            socket.remoteAddress());
      }
    });
    socket.handler(chunk -> {
      for (MllpFramer.Frame frame : framer.feed(chunk)) {
        if (++pending[0] >= MAX_PENDING) socket.pause();
        Future<Future<String>> started = start(frame, applied[0]);
        applied[0] = started;
        // after a message that could not be handled, the ones behind it get no answer either: all are resent
        answered[0] = answered[0].transform(previous -> broken[0] ? Future.<String>failedFuture("connection closed")
                : started.compose(ack -> ack))
            .onSuccess(ack -> socket.write(Buffer.buffer().appendByte(MllpFramer.START)
                .appendString(ack, "UTF-8").appendByte(MllpFramer.END).appendByte(MllpFramer.CR)))
            .onFailure(err -> {
              if (broken[0]) return;
              broken[0] = true;
              LOG.warn("MLLP message from {} not handled; closing the connection without an ACK so it is resent",
                  socket.remoteAddress(), err);
              socket.close();
            })
            .onComplete(done -> {
              if (--pending[0] < MAX_PENDING) socket.resume();
            });
      }
    });
  }

  /**
   * Reads the frame at once and hands it to {@code apply} once {@code previous} (the frame before it) was; the
   * future completes when it was handed over, holding its ACK to come.
   */
  private Future<Future<String>> start(MllpFramer.Frame frame, Future<?> previous) {
    String text = decode(frame.bytes());
    if (frame.tooLarge()) {
      Future<String> rejection = tooLarge.apply(text);
      return previous.transform(done -> Future.succeededFuture(rejection));
    }
    Future<R> message = read.apply(text);
    return previous.transform(done -> message.map(apply));
  }

  /** UTF-8 when the bytes are UTF-8, else ISO-8859-1 (HL7's usual 8-bit character set), so every byte reads. */
  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException notUtf8) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
