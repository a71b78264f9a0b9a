package io.waitline.edge.feed;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.waitline.queue.QueueException;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One open feed's socket: it listens at one event-bus address of the hub at a time, sends a heartbeat every
 * {@link LiveFeeds#HEARTBEAT_MS} and asks again whether its credential still allows it (also at once when
 * credentials end anywhere, see {@link FeedHub}), tells a client too slow to keep up to reconnect, and leaves the
 * hub when it closes. Subclasses say what the feed sends.
 */
abstract class FeedSession {
  private final Vertx vertx;
  final FeedHub hub;
  private final ServerWebSocket ws;
  private final Supplier<Future<Boolean>> stillAllowed;
  /** A check of the credential is under way; {@link #checkAgain}: another was asked for meanwhile. */
  private boolean checking;
  private boolean checkAgain;
  /** The event loop this feed's work runs on. */
  final Context context;
  private String address;
  /** Completes once the current address's consumer is registered. */
  Future<Void> listening;
  private long heartbeat;
  /** Made when the client first sends text (clients only listen: most never do). */
  private CharsetDecoder utf8;
  private byte[] splitCharacter = new byte[0];
  private boolean inText;

  /**
   * @param stillAllowed asked on every heartbeat and when credentials end; the feed closes (1008) when it says no;
   *     null: nothing to ask
   */
  FeedSession(Vertx vertx, FeedHub hub, ServerWebSocket ws, Supplier<Future<Boolean>> stillAllowed) {
    this.vertx = vertx;
    this.hub = hub;
    this.ws = ws;
    this.context = vertx.getOrCreateContext();
    this.stillAllowed = stillAllowed;
    if (stillAllowed != null) hub.opened(this);
    heartbeat = vertx.setPeriodic(LiveFeeds.HEARTBEAT_MS, id -> {
      send(new JsonObject().put("type", "heartbeat").put("at", Instant.now().toString()));
      recheck();
    });
    ws.closeHandler(v -> stop());
    ws.exceptionHandler(err -> close(closeCode(err), "protocol error"));
    ws.frameHandler(this::onClientFrame); // clients only listen: what they send is checked, then dropped
  }

  /**
   * RFC 6455 requires text messages to be UTF-8 (else close with 1007); the check runs across a message's frames,
   * carrying the bytes of a character split between two frames.
   */
  private void onClientFrame(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) inText = frame.isText();
    if (!frame.isText() && !(frame.isContinuation() && inText)) return;
    if (utf8 == null) utf8 = StandardCharsets.UTF_8.newDecoder();
    byte[] bytes = frame.binaryData().getBytes();
    ByteBuffer in = ByteBuffer.allocate(splitCharacter.length + bytes.length).put(splitCharacter).put(bytes).flip();
    CoderResult result = utf8.decode(in, CharBuffer.allocate(in.remaining()), frame.isFinal());
    if (result.isError() || (frame.isFinal() && in.hasRemaining())) {
      close((short) 1007, "text must be UTF-8");
      return;
    }
    splitCharacter = new byte[in.remaining()];
    in.get(splitCharacter);
    if (frame.isFinal()) utf8.reset();
  }

  /**
   * Asks whether the credential still allows this feed and closes it (1008) if not; on this feed's event loop. Asks
   * made while one is under way are answered by one more check after it, so a burst costs at most two.
   */
  final void recheck() {
    if (stillAllowed == null || heartbeat < 0) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    stillAllowed.get().onComplete(ar -> {
      checking = false;
      if (ar.succeeded() && !ar.result()) {
        close((short) 1008, "sign-in ended or no longer allowed");
      } else if (checkAgain) {
        checkAgain = false;
        recheck();
      }
    });
  }

  /** Handles one event of the address listened at, on this feed's event loop. */
  abstract void onEvent(FeedHub.Delivery delivery);

  /** Listens at {@code address} from now on (and no longer where it listened before). */
  final void listen(String address) {
    if (this.address != null) hub.leave(this.address, this);
    this.address = address;
    listening = hub.join(address, this);
  }

  /** Sends JSON unless the client is too slow to keep up, in which case it is told to reconnect. */
  final void send(JsonObject message) {
    send(message.encode());
  }

  final void send(String encoded) {
    if (ws.isClosed()) return;
    if (ws.writeQueueFull()) {
      ws.close((short) 1013, "client too slow; reconnect with since");
      return;
    }
    ws.writeTextMessage(encoded);
  }

  final void close(short code, String reason) {
    if (!ws.isClosed()) ws.close(code, reason);
  }

  /**
   * The RFC 6455 close code for a failure on the socket: what the frame decoder found wrong (1002 a protocol error,
   * 1007 text that is not UTF-8, 1009 a frame too big), else 1011.
   */
  static short closeCode(Throwable err) {
    if (err instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus() != null) {
      return (short) corrupted.closeStatus().code();
    }
    return 1011;
  }

  /** Ends the feed after a failure: the domain's own sentence, or a plain request to reconnect. */
  final void fail(Throwable err) {
    String reason = err instanceof QueueException ? err.getMessage() : "feed error; reconnect";
    close((short) 1011, reason.length() > 120 ? reason.substring(0, 120) : reason);
  }

  private void stop() {
    if (heartbeat < 0) return;
    vertx.cancelTimer(heartbeat);
    heartbeat = -1;
    if (stillAllowed != null) hub.closed(this);
    if (address != null) hub.leave(address, this);
  }
}
