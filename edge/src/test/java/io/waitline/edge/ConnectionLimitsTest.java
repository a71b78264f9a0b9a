package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections that send nothing, half a request head or a body too slowly are ended, so they cannot use up the
 * server's sockets; one address cannot hold more than its share; live feeds are not ended by these deadlines. The
 * node runs with short deadlines (a head within 1 s, a body within 1 s, 3 connections per address) and an idle
 * timeout longer than the test waits, so that what ends a connection here is the deadline under test.
 */
class ConnectionLimitsTest {
  private static final int MAX_PER_ADDRESS = 3;

  @RegisterExtension
  static final TestApp app = TestApp.nodeTuned(o -> o.connectionLimits(MAX_PER_ADDRESS, Duration.ofSeconds(1),
      Duration.ofSeconds(1), Duration.ofSeconds(60)));

  private static Socket open() throws IOException {
    return open("127.0.0.1");
  }

  /** A connection from this loopback address (all of 127.0.0.0/8 is this machine), counted apart from others. */
  private static Socket open(String fromAddress) throws IOException {
    Socket socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), app.port(),
        java.net.InetAddress.getByName(fromAddress), 0);
    socket.setSoTimeout(10_000); // far beyond every deadline: a read that times out means the server kept it open
    return socket;
  }

  /** What the server sends before it closes the connection; fails if it is still open after 10 s. */
  private static String untilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder out = new StringBuilder();
    byte[] chunk = new byte[4096];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        out.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the server kept the connection open; it sent: " + out);
    } catch (IOException reset) {
      // closed with a reset: closed all the same
    }
    return out.toString();
  }

  /** The first line of the answer, leaving the connection open. */
  private static String statusLine(Socket socket) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = socket.getInputStream().read(); b >= 0 && b != '\n'; b = socket.getInputStream().read()) {
      line.append((char) b);
    }
    return line.toString();
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws IOException {
    try (Socket silent = open()) {
      assertThat(untilClosed(silent)).isEmpty();
    }
  }

  @Test
  void aConnectionThatSendsHalfARequestHeadIsClosed() throws IOException {
    try (Socket half = open()) {
      send(half, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      assertThat(untilClosed(half)).isEmpty();
    }
  }

  @Test
  void aKeptAliveConnectionThatNeverSendsTheNextHeadIsClosed() throws IOException {
    try (Socket keptAlive = open()) {
      send(keptAlive, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(untilClosed(keptAlive)).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aSlowlorisTricklingItsHeadOneByteEveryHalfSecondIsCutOffAtTheHeadDeadlineWhileHealthAnswers()
      throws IOException {
    byte[] head = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        .getBytes(StandardCharsets.ISO_8859_1);
    try (Socket slowloris = open("127.0.0.11")) {
      slowloris.setSoTimeout(500); // the trickle's pace: a read that times out means still open, send the next byte
      long opened = System.nanoTime();
      int sent = 0;
      boolean closed = false;
      while (!closed && sent < head.length) {
        try {
          slowloris.getOutputStream().write(head[sent++]);
          slowloris.getOutputStream().flush();
          closed = slowloris.getInputStream().read() < 0; // the server answers nothing to a head that never ends
        } catch (SocketTimeoutException stillOpen) {
          try (Socket health = open("127.0.0.12")) {
            send(health, "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(untilClosed(health)).as("/health/live after %d trickled bytes", sent).startsWith("HTTP/1.1 200");
          }
        } catch (IOException reset) {
          closed = true;
        }
      }
      long heldMs = (System.nanoTime() - opened) / 1_000_000;
      assertThat(closed).as("cut off within the %d bytes of its head", head.length).isTrue();
      assertThat(sent).as("bytes trickled before the cut").isGreaterThan(1);
      assertThat(heldMs).as("how long it held the connection (ms): the 1 s head deadline, swept every 250 ms")
          .isBetween(1_000L, 4_000L);
    }
  }

  @Test
  void aBodyThatArrivesTooSlowlyIsAnswered408() throws IOException {
    try (Socket slow = open()) {
      send(slow, "POST /api/v1/auth/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"username\":");
      String answer = untilClosed(slow);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("application/problem+json").contains("did not arrive");
    }
  }

  @Test
  void oneAddressHoldsAtMostItsShareOfConnections() throws IOException {
    List<Socket> held = new ArrayList<>();
    try {
      // an address of its own, so that connections other tests are still closing do not count
      for (int i = 0; i < MAX_PER_ADDRESS; i++) held.add(open("127.0.0.7"));
      // within the share, connections are served: the last one opened asks at once and stays open (keep-alive),
      // so it still counts, and no idle connection waits long enough to meet the short head deadline of these tests
      Socket last = held.get(held.size() - 1);
      send(last, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(statusLine(last)).startsWith("HTTP/1.1 200");
      try (Socket oneTooMany = open("127.0.0.7")) {
        assertThat(untilClosed(oneTooMany)).isEmpty();
      }
    } finally {
      for (Socket s : held) s.close();
    }
  }

  @Test
  void aLiveFeedOutlivesTheHeadAndBodyDeadlines() throws IOException {
    String queue = app.newQueue();
    try (FeedClient feed = app.staffFeed(queue);
        Socket silent = open(); Socket slow = open()) {
      feed.next("snapshot");
      send(slow, "POST /api/v1/auth/session HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n{");
      // both deadlines have passed for connections opened after the feed once the server has ended these two
      assertThat(untilClosed(silent)).isEmpty();
      assertThat(untilClosed(slow)).startsWith("HTTP/1.1 408");
      app.checkIn(queue, "Ann Afterwards");
      assertThat(feed.next("event").toString()).contains("Ann");
    }
  }

  @Test
  void closedLiveFeedsGiveTheirAddressItsShareBack() throws IOException {
    String queue = app.newQueue();
    // an address of its own; more feeds one after another than it may hold at once
    for (int i = 0; i < MAX_PER_ADDRESS + 2; i++) {
      try (Socket feed = open("127.0.0.8")) {
        send(feed, "GET /ws/queues/" + queue + "?view=staff&access_token=" + app.adminToken() + " HTTP/1.1\r\n"
            + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(statusLine(feed)).as("feed %d", i + 1).startsWith("HTTP/1.1 101");
        feed.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8}); // close 1000
        untilClosed(feed);
      }
    }
    try (Socket after = open("127.0.0.8")) {
      send(after, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(statusLine(after)).startsWith("HTTP/1.1 200");
    }
  }
}
