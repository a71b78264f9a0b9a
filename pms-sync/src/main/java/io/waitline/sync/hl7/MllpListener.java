package io.waitline.sync.hl7;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one MLLP listener for every HL7 v2 source (routed by MSH-4, see {@link Hl7Kind}). Framing runs on the
 * event loop. A sender may send several messages without waiting for their ACKs (pipelining): the messages one read
 * of the connection brings are read by {@code read} as soon as they are framed (off the event loop), then handed to
 * {@code apply} together, in the order received, which answers their ACKs once applied; the ACKs go back in the order
 * received, those of messages handed over together in one write. The connection stops
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
  private final Function<List<String>, Future<List<R>>> read;
  private final Function<List<R>, List<Future<String>>> apply;
  private final Function<String, Future<String>> tooLarge;
  private final int maxBytes;
  private final AtomicInteger open = new AtomicInteger();
  private NetServer server;

  /**
   * @param read messages' texts, framed together → the messages as read; called as soon as they are framed
   * @param apply messages as read → their ACKs; called in the order the connection's messages were received; an ACK
   *     fails when its message could not be handled (then no ACK is sent for it and the ones behind it)
   * @param tooLarge the head of a message over {@code maxBytes} → its AR
   */
  public MllpListener(Vertx vertx, Function<List<String>, Future<List<R>>> read,
      Function<List<R>, List<Future<String>>> apply,
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
    Connection connection = new Connection(socket, Vertx.currentContext());
    socket.closeHandler(closed -> {
      open.decrementAndGet();
      if (connection.framer.inFrame()) {
        LOG.info("MLLP connection from {} closed in the middle of a message; it was not answered",
            socket.remoteAddress());
      }
    });
    socket.handler(connection::received);
  }

  /**
   * One sender's connection. The frames one read of the socket completes (all the chunks the event loop reads from it
   * in one go: a pipelining sender's refill of its window) are one group: read together, handed to {@code apply}
   * together (so they can be applied in one transaction), and answered in one write once all of them are.
   */
  private final class Connection {
    final MllpFramer framer = new MllpFramer(maxBytes);
    private final NetSocket socket;
    private final Context context;
    /** Frames of the read in progress, handed over once it is done. */
    private final List<MllpFramer.Frame> arrived = new ArrayList<>();
    private int pending;
    private boolean broken;
    private Future<?> handedOver = Future.succeededFuture();
    private Future<?> answered = Future.succeededFuture();

    Connection(NetSocket socket, Context context) {
      this.socket = socket;
      this.context = context;
    }

    void received(Buffer chunk) {
      List<MllpFramer.Frame> frames = framer.feed(chunk);
      if (frames.isEmpty()) return;
      // a task queued now runs once the event loop has read what the socket holds: what it brings goes together
      if (arrived.isEmpty()) context.runOnContext(v -> handOver());
      arrived.addAll(frames);
    }

    private void handOver() {
      List<MllpFramer.Frame> group = List.copyOf(arrived);
      arrived.clear();
      pending += group.size();
      if (pending >= MAX_PENDING) socket.pause();
      Future<List<Future<String>>> acks = start(group, handedOver);
      handedOver = acks;
      // after a message that could not be handled, the ones behind it get no answer either: all are resent
      answered = answered.transform(previous -> acks.compose(all -> Future.join(all).transform(done ->
              Future.succeededFuture(all))))
          .andThen(done -> answer(done, group.size()));
    }

    /** Writes the group's ACKs in one go, up to the first message that could not be handled (then closes). */
    private void answer(AsyncResult<List<Future<String>>> done, int count) {
      if (!broken) {
        Buffer out = Buffer.buffer();
        Throwable failure = done.cause();
        for (Future<String> ack : done.succeeded() ? done.result() : List.<Future<String>>of()) {
          if (ack.failed()) {
            failure = ack.cause();
            break;
          }
          out.appendByte(MllpFramer.START).appendString(ack.result(), "UTF-8").appendByte(MllpFramer.END)
              .appendByte(MllpFramer.CR);
        }
        if (out.length() > 0) socket.write(out);
        if (failure != null) {
          broken = true;
          LOG.warn("MLLP message from {} not handled; closing the connection without an ACK so it is resent",
              socket.remoteAddress(), failure);
          socket.close();
        }
      }
      pending -= count;
      if (pending < MAX_PENDING) socket.resume();
    }
  }

  /**
   * Reads the group's frames at once and hands them to {@code apply} once {@code previous} (the group before) was; the
   * future completes when they were handed over, holding their ACKs to come, in order.
   */
  private Future<List<Future<String>>> start(List<MllpFramer.Frame> group, Future<?> previous) {
    List<String> texts = new ArrayList<>(group.size());
    List<Future<String>> rejections = new ArrayList<>();
    for (MllpFramer.Frame frame : group) {
      String text = decode(frame.bytes());
      if (frame.tooLarge()) rejections.add(tooLarge.apply(text));
      else texts.add(text);
    }
    Future<List<R>> messages = texts.isEmpty() ? Future.succeededFuture(List.of()) : read.apply(texts);
    return previous.transform(done -> messages.map(read -> {
      Iterator<Future<String>> applied = apply.apply(read).iterator();
      Iterator<Future<String>> rejected = rejections.iterator();
      List<Future<String>> acks = new ArrayList<>(group.size());
      for (MllpFramer.Frame frame : group) acks.add(frame.tooLarge() ? rejected.next() : applied.next());
      return acks;
    }));
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
