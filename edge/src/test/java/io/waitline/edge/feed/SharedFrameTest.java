package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message encoded once as a whole WebSocket frame for many feeds is, byte for byte, the frame the socket's own write
 * would send, and a real client receives it whole and in order among the socket's own writes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedFrameTest {
  /** Payload lengths at the edges of the 7-, 16- and 64-bit length encodings. */
  private static final int[] LENGTHS = {0, 1, 125, 126, 65_535, LiveFeeds.MAX_FRAME_BYTES};

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anEncodedFrameHasTheBytesNettysFrameEncoderWritesAtEachLengthBoundary() {
    List<String> texts = new ArrayList<>();
    for (int length : LENGTHS) texts.add(text(length));
    texts.add("é".repeat(63)); // 126 bytes of UTF-8 in 63 characters: the length counts bytes
    for (String text : texts) {
      ByteBuf ours = SharedFrame.encode(text);
      try {
        assertThat(ByteBufUtil.getBytes(ours)).as("%d bytes", ByteBufUtil.utf8Bytes(text)).isEqualTo(netty(text));
      } finally {
        ours.release();
      }
    }
  }

  @Test
  void sharedFramesArriveWholeAndInOrderAmongTheSocketsOwnMessages() {
    List<Sent> sent = new ArrayList<>();
    Promise<List<String>> written = Promise.promise();
    for (int length : LENGTHS) {
      sent.add(new Sent("own " + length, false));
      sent.add(new Sent(text(length), true));
    }
    sent.add(new Sent(text(LiveFeeds.MAX_FRAME_BYTES + 1), true)); // too long for one frame: the socket's own write
    sent.add(new Sent("own last", false));

    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1")
            .setStrictThreadMode(true).setMaxWebSocketFrameSize(LiveFeeds.MAX_FRAME_BYTES)
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false))
        .webSocketHandler(ws -> {
          Sender feed = new Sender(vertx, ws);
          List<String> handedOn = recordWrites(ws);
          for (Sent s : sent) {
            if (!s.shared()) {
              feed.send(s.text());
              continue;
            }
            SharedFrame frame = new SharedFrame(s.text()); // as a hub's delivery hands it to each of a loop's feeds
            feed.send(frame);
            frame.release();
          }
          written.complete(List.copyOf(handedOn));
        })
        .listen().await();

    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(LiveFeeds.MAX_FRAME_BYTES).setMaxMessageSize(4 * LiveFeeds.MAX_FRAME_BYTES));
    List<String> messages = new ArrayList<>();
    List<Integer> framesPerMessage = new ArrayList<>();
    Promise<Void> all = Promise.promise();
    StringBuilder message = new StringBuilder();
    int[] frames = {0};
    client.webSocket()
        .frameHandler(frame -> {
          frames[0]++;
          message.append(frame.textData());
          if (!frame.isFinal()) return;
          messages.add(message.toString());
          framesPerMessage.add(frames[0]);
          message.setLength(0);
          frames[0] = 0;
          if (messages.size() == sent.size()) all.tryComplete();
        })
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/"))
        .await();
    all.future().await();

    assertThat(messages).isEqualTo(sent.stream().map(Sent::text).toList());
    List<String> expectedWrites = new ArrayList<>();
    for (Sent s : sent) {
      boolean fits = s.text().length() <= LiveFeeds.MAX_FRAME_BYTES;
      if (s.shared() && fits) expectedWrites.add("bytes");
      else expectedWrites.addAll(fits ? List.of("frame") : List.of("frame", "frame"));
    }
    assertThat(written.future().await()).as("what the connection wrote: a shared frame as bytes, past the encoder")
        .isEqualTo(expectedWrites);
    assertThat(framesPerMessage).as("frames per message: only the one over 65,536 bytes is split")
        .isEqualTo(sent.stream().map(s -> s.text().length() > LiveFeeds.MAX_FRAME_BYTES ? 2 : 1).toList());
  }

  /** One message the test's feed sends: as a shared frame, or through the socket's own write. */
  private record Sent(String text, boolean shared) {}

  /**
   * Records what the socket's connection hands to the frame encoder: Netty's frame objects from the socket's own
   * writes, bytes that are already a whole frame from a shared one.
   */
  private static List<String> recordWrites(ServerWebSocket ws) {
    List<String> written = new ArrayList<>();
    ChannelHandlerContext connection = ((WebSocketInternal) ws).channelHandlerContext();
    connection.pipeline().addBefore(connection.name(), "recorder", new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        written.add(msg instanceof ByteBuf ? "bytes" : msg instanceof WebSocketFrame ? "frame" : msg.toString());
        ctx.write(msg, promise);
      }
    });
    return written;
  }

  /** What the socket's own write puts on the wire for {@code text}: Netty's encoder on a final text frame. */
  private static byte[] netty(String text) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    channel.writeOutbound(new TextWebSocketFrame(text));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ByteBuf part; (part = channel.readOutbound()) != null; part.release()) {
      bytes.writeBytes(ByteBufUtil.getBytes(part));
    }
    channel.finishAndReleaseAll();
    return bytes.toByteArray();
  }

  /** {@code length} bytes of text that tell where they are: a misplaced or cut byte changes them. */
  private static String text(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) text.append((char) ('a' + i % 26));
    return text.toString();
  }

  /** A feed that sends what it is told; it listens nowhere. */
  private static final class Sender extends FeedSession {
    Sender(Vertx vertx, ServerWebSocket ws) {
      super(vertx, FeedHub.of(vertx), ws,
          connectionForFrames(((WebSocketInternal) ws).channelHandlerContext().pipeline()), null);
    }

    @Override
    void onEvent(FeedHub.Delivery delivery) {}
  }
}
