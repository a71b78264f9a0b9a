package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The screens against real Vert.x WebSocket servers: the bare broadcast server, and one that pings and closes. */
class ScreenSocketsTest {
  private static final long TIMEOUT_MS = 10_000;
  private Vertx vertx;

  /** Every message as "client seq length", and every failure; a future completed once {@code expected} came. */
  private static final class Heard implements ScreenSockets.Screens {
    final Map<Integer, List<String>> messages = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> all = new CompletableFuture<>();
    private final int expected;
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    Heard(int expected) {
      this.expected = expected;
    }

    @Override
    public void message(int client, long nanos, byte[] head, int headLength, long length) {
      messages.computeIfAbsent(client, c -> new CopyOnWriteArrayList<>())
          .add(FrameHead.seq(head, headLength) + " " + length);
      if (count.incrementAndGet() == expected) all.complete(null);
    }

    @Override
    public void failed(int client, String why) {
      failures.add(client + ": " + why);
    }
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void everyScreenHearsEveryBroadcastOfTheBareServerWhateverItsLengthThenClosesCleanly() throws Exception {
    int port = freePort();
    BareBroadcastServer.deploy(vertx, port, 2).await(10, TimeUnit.SECONDS);
    int clients = 40;
    Heard heard = new Heard(clients * 4);
    WebClient http = WebClient.create(vertx);
    try (ScreenSockets screens = new ScreenSockets(2, 64, heard)) {
      screens.open(clients, "127.0.0.1", port, "/ws", null, 8, TIMEOUT_MS);
      // 7-bit, 16-bit and 64-bit payload lengths
      int[] sizes = {100, 474, 70_000};
      for (int i = 0; i < sizes.length; i++) {
        JsonObject sent = http.post(port, "127.0.0.1", "/broadcast?seq=" + (i + 1) + "&bytes=" + sizes[i]).send()
            .await(TIMEOUT_MS, TimeUnit.MILLISECONDS).bodyAsJsonObject();
        assertThat(sent.getInteger("sentTo")).isEqualTo(clients);
      }
      heard.all.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertThat(heard.messages).hasSize(clients);
      String hello = "{\"type\":\"hello\",\"seq\":0}";
      heard.messages.values().forEach(m -> assertThat(m)
          .containsExactly("0 " + hello.length(), "1 100", "2 474", "3 70000"));

      screens.closeAll(TIMEOUT_MS);
      // a screen's socket ends when the server has answered its close; the server's close handler runs once its own
      // side is closed, which can be just after: ask again (each answer a round trip) until it counts none, in time
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
      int sentTo;
      do {
        sentTo = http.post(port, "127.0.0.1", "/broadcast?seq=4&bytes=10").send()
            .await(TIMEOUT_MS, TimeUnit.MILLISECONDS).bodyAsJsonObject().getInteger("sentTo");
      } while (sentTo > 0 && System.nanoTime() < deadline);
      assertThat(sentTo).as("the server saw every close").isZero();
    }
    assertThat(heard.failures).isEmpty();
  }

  @Test
  void aPingIsAnsweredWithAMaskedPongAndTheServersCloseIsAnswered() throws Exception {
    CompletableFuture<String> pong = new CompletableFuture<>();
    CompletableFuture<Short> serverSawClose = new CompletableFuture<>();
    int port = freePort();
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      // a Vert.x server fails a connection whose client frames are not masked: the pong arrives only if masked
      ws.pongHandler(data -> {
        pong.complete(data.toString(StandardCharsets.UTF_8));
        ws.close((short) 4000, "bye");
      });
      ws.closeHandler(v -> serverSawClose.complete(ws.closeStatusCode()));
      ws.writePing(Buffer.buffer("are you there"));
    }).listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Heard heard = new Heard(1);
    try (ScreenSockets screens = new ScreenSockets(1, 64, heard)) {
      screens.open(1, "127.0.0.1", port, "/", null, 1, TIMEOUT_MS);
      assertThat(pong.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo("are you there");
      assertThat(serverSawClose.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo((short) 4000);
      // the server ended the connection after the close handshake: nothing is left open
      screens.closeAll(TIMEOUT_MS);
    }
    assertThat(heard.failures).containsExactly("0: closed by the server (4000)");
    server.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRefusedUpgradeFailsTheOpenWithTheServersAnswer() throws Exception {
    int port = freePort();
    vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(401).end())
        .listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try (ScreenSockets screens = new ScreenSockets(1, 64, new Heard(1))) {
      assertThatThrownBy(() -> screens.open(3, "127.0.0.1", port, "/ws", "not-a-token", 2, TIMEOUT_MS))
          .isInstanceOf(IOException.class).hasMessageContaining("\"HTTP/1.1 401 Unauthorized\"");
    }
  }
}
