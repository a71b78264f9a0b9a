package io.waitline.edge.feed;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.waitline.access.Principal;
import io.waitline.queue.QueueException;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * One open feed's socket: it listens at one event-bus address of the hub at a time, sends a heartbeat every
 * {@link LiveFeeds#HEARTBEAT_MS} (its event loop's, see {@link Heartbeats}), closes when its credential no longer
 * allows it (checked once per heartbeat period for all the node's feeds of that credential, and at once when
 * credentials end anywhere, see {@link CredentialChecks}), tells a client too slow to keep up to reconnect, and
 * leaves the hub when it closes.
 * Subclasses say what the feed sends.
 */
abstract class FeedSession implements CredentialChecks.Holder, Heartbeats.Beating {
  private static final byte[] NO_BYTES = new byte[0];

  final FeedHub hub;
  private final ServerWebSocket ws;
  /** The socket's connection, where frames encoded once for many feeds are written; null: the socket's own writes. */
  private final VertxConnection frames;
  private final CredentialChecks.Grant grant;
  /** The event loop this feed's work runs on. */
  final Context context;
  private String address;
  /** Completes once the current address's consumer is registered. */
  Future<Void> listening;
  private boolean stopped;
  /** Made when the client first sends text (clients only listen: most never do). */
  private CharsetDecoder utf8;
  private byte[] splitCharacter = NO_BYTES;
  private boolean inText;
  /** Set once the feed's first message is out; touched on the feed's event loop only. */
  private boolean greeted;

  /**
   * @param frames the socket's connection ({@link #connectionForFrames}) where the feed writes frames encoded once for
   *     many feeds; null: it sends them through the socket
   * @param grant the credential that opened the feed and what it must keep allowing; the feed closes (1008) when it
   *     no longer does; null: nothing to check
   */
  FeedSession(Vertx vertx, FeedHub hub, ServerWebSocket ws, VertxConnection frames, CredentialChecks.Grant grant) {
    this.hub = hub;
    this.ws = ws;
    this.frames = frames;
    this.context = vertx.getOrCreateContext();
    this.grant = grant;
    if (grant != null) hub.credentials.join(this, grant);
    hub.heartbeats.join(this);
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
    splitCharacter = in.hasRemaining() ? new byte[in.remaining()] : NO_BYTES;
    in.get(splitCharacter);
    if (frame.isFinal()) utf8.reset();
  }

  @Override
  public final Context context() {
    return context;
  }

  /** Sends the period's heartbeat, one encoding for every feed of this event loop. */
  @Override
  public final void beat(String heartbeat) {
    if (writable()) ws.writeTextMessage(heartbeat);
  }

  /** Whether the feed has sent its first message (snapshot, resumed or visit), which no heartbeat may come before. */
  @Override
  public final boolean greeted() {
    return greeted;
  }

  /** Closes the feed (1008) when its credential no longer holds or no longer allows it; on this feed's event loop. */
  @Override
  public final void checked(AsyncResult<Principal> answer) {
    if (answer.failed() || !grant.allows().test(answer.result())) {
      close((short) 1008, "sign-in ended or no longer allowed");
    }
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
    greeted = true;
    if (writable()) ws.writeTextMessage(encoded);
  }

  /**
   * Sends a message many feeds send: its frame, encoded once, goes to the connection as it is, in order with the
   * socket's own writes (the frame encoder passes bytes through); the socket's own write when it cannot.
   */
  final void send(SharedFrame frame) {
    greeted = true;
    if (!writable()) return;
    ByteBuf encoded = frames == null ? null : frame.encoded();
    if (encoded == null) {
      ws.writeTextMessage(frame.text);
    } else {
      frames.writeToChannel(encoded.retainedDuplicate());
    }
  }

  /** Whether the socket is open and keeping up; a client too slow to keep up is told to reconnect. */
  private boolean writable() {
    if (ws.isClosed()) return false;
    if (!ws.writeQueueFull()) return true;
    ws.close((short) 1013, "client too slow; reconnect with since");
    return false;
  }

  /**
   * The WebSocket connection of an upgraded channel ({@code pipeline}), when frames encoded once may be written to it
   * as they are; null when an extension (compression) re-encodes each frame, which bytes would bypass.
   */
  static VertxConnection connectionForFrames(ChannelPipeline pipeline) {
    VertxHandler<?> connection = pipeline.get(VertxHandler.class);
    return connection == null || pipeline.get(WebSocketExtensionEncoder.class) != null ? null
        : connection.getConnection();
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
    if (stopped) return;
    stopped = true;
    hub.heartbeats.leave(this);
    if (grant != null) hub.credentials.leave(this, grant);
    if (address != null) hub.leave(address, this);
  }
}
