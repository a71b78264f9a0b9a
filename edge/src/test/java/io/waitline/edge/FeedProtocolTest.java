package io.waitline.edge;

import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.UpgradeRejectedException;
import io.waitline.access.IssuedSession;
import io.waitline.access.Role;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live feed that receives a frame breaking RFC 6455 closes with the code the RFC gives for it (1002 protocol error,
 * 1007 text that is not UTF-8), not 1000 (normal closure); and a feed opened with the session cookie must come from a
 * page of this server over the same scheme.
 */
class FeedProtocolTest {
  @RegisterExtension
  static final TestApp app = TestApp.node();

  /** A feed opened over a plain socket, so that frames can be written exactly as a broken client writes them. */
  private static Socket openRawFeed() throws IOException {
    return openRawFeed(app, "/ws/queues/" + GENERAL + "?view=staff&access_token=" + app.adminToken(), 0);
  }

  /**
   * A feed of {@code app} at {@code path} over a plain socket whose receive buffer is {@code receiveBuffer} bytes
   * (0: the system's), past the handshake.
   */
  static Socket openRawFeed(TestApp app, String path, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new java.net.InetSocketAddress("localhost", app.port()));
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("waitline-fuzz-key".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(("GET " + path
        + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(socket.getInputStream());
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
    return socket;
  }

  /** A client frame: FIN, this opcode and first byte flags, masked with a zero mask unless {@code masked} is false. */
  private static byte[] frame(int firstByte, byte[] payload, boolean masked) {
    byte[] out = new byte[2 + (masked ? 4 : 0) + payload.length];
    out[0] = (byte) firstByte;
    out[1] = (byte) ((masked ? 0x80 : 0) | payload.length);
    System.arraycopy(payload, 0, out, masked ? 6 : 2, payload.length); // a zero mask leaves the payload as it is
    return out;
  }

  /** Reads frames until the server's close frame; returns its status code. */
  private static int closeCode(Socket socket) throws IOException {
    return readUntilClose(socket).code();
  }

  /** How a feed read over a plain socket ended: the close frame's status code, after this many text frames. */
  record Closed(int code, int textFrames) {}

  /** Reads frames until the server's close frame. */
  static Closed readUntilClose(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int texts = 0;
    while (true) {
      int opcode = in.readUnsignedByte() & 0x0F;
      int length = in.readUnsignedByte() & 0x7F;
      long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
      byte[] payload = in.readNBytes((int) size);
      if (opcode == 0x1) texts++;
      if (opcode == 0x8) {
        return new Closed(payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005, texts);
      }
    }
  }

  @Test
  void textThatIsNotUtf8ClosesTheFeedWith1007() throws IOException {
    try (Socket feed = openRawFeed()) {
      feed.getOutputStream().write(frame(0x81, new byte[] {(byte) 0xC3, 0x28}, true));
      assertThat(closeCode(feed)).isEqualTo(1007);
    }
  }

  @Test
  void anUnmaskedClientFrameClosesTheFeedWith1002() throws IOException {
    try (Socket feed = openRawFeed()) {
      feed.getOutputStream().write(frame(0x81, "hi".getBytes(StandardCharsets.US_ASCII), false));
      assertThat(closeCode(feed)).isEqualTo(1002);
    }
  }

  @Test
  void aFrameWithReservedBitsClosesTheFeedWith1002() throws IOException {
    try (Socket feed = openRawFeed()) {
      feed.getOutputStream().write(frame(0x81 | 0x40, "hi".getBytes(StandardCharsets.US_ASCII), true));
      assertThat(closeCode(feed)).isEqualTo(1002);
    }
  }

  /**
   * Random frames (any opcode and flag, masked or not, up to 125 bytes), each run followed by a ping: the server
   * answers with a pong or closes with a protocol close code, never with 1011 (its own failure) or by going silent,
   * and afterwards still serves health checks and feeds.
   */
  @Test
  void randomFramesGetAPongOrAProtocolCloseAndTheServerKeepsServing() throws IOException {
    java.util.Random random = new java.util.Random(13);
    java.util.Map<Integer, Integer> outcomes = new java.util.TreeMap<>();
    for (int run = 0; run < 40; run++) {
      try (Socket feed = openRawFeed()) {
        try {
          for (int f = 0, frames = 1 + random.nextInt(4); f < frames; f++) {
            byte[] payload = new byte[random.nextInt(126)];
            random.nextBytes(payload);
            feed.getOutputStream().write(frame(random.nextInt(256), payload, random.nextInt(4) != 0));
          }
          feed.getOutputStream().write(frame(0x89, "marker".getBytes(StandardCharsets.US_ASCII), true));
        } catch (java.net.SocketException closedWhileWriting) {
          // the server gave up on the connection already; what it said before is still to be read
        }
        int outcome = pongOrClose(feed);
        outcomes.merge(outcome, 1, Integer::sum);
        assertThat(outcome).as("run %d", run).isIn(0xA, -1, 1000, 1002, 1003, 1005, 1007, 1009);
      }
    }
    assertThat(outcomes).as("pongs (10), closes by code, closed without a frame (-1)").containsKey(1002);
    try (FeedClient after = app.staffFeed(GENERAL)) {
      after.next("snapshot");
    }
  }

  /** 10 (pong) when the server answers the ping, the close code when it closes, -1 when it drops the socket. */
  private static int pongOrClose(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    try {
      while (true) {
        int opcode = in.readUnsignedByte() & 0x0F;
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) length = in.readUnsignedShort();
        else if (length == 127) length = (int) in.readLong();
        byte[] payload = in.readNBytes(length);
        if (opcode == 0xA) return 0xA;
        if (opcode == 0x8) return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
      }
    } catch (java.io.EOFException | java.net.SocketException dropped) {
      return -1;
    }
  }

  @Test
  void aCookieFeedFromAnHttpsPageIsRefusedOnAnHttpServer() {
    var desk = app.account(SITE, Role.FRONT_DESK);
    IssuedSession s = app.access.sessions().open(desk.principal(null), desk.id(), "cookie", "127.0.0.1").await();
    assertThatThrownBy(() -> FeedClient.connect(app.webSockets, app.port(), "/ws/queues/" + GENERAL + "?view=staff",
        Map.of("Cookie", "waitline_session=" + s.token(), "Origin", "https://localhost:" + app.port())).close())
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
  }
}
