package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HandshakeTest {

  @Test
  void theAcceptOfRfc6455sExampleKey() {
    assertThat(Handshake.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void theRequestIsAnHttp11UpgradeWithAFreshKeyAndTheBearer() {
    String request = StandardCharsets.ISO_8859_1.decode(
        new Handshake("127.0.0.1", 8080, "/ws/queues/q?view=display", "tok", new Random(1)).request()).toString();
    assertThat(request).startsWith("GET /ws/queues/q?view=display HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
        .contains("Upgrade: websocket\r\n", "Connection: Upgrade\r\n", "Sec-WebSocket-Version: 13\r\n",
            "Authorization: Bearer tok\r\n")
        .endsWith("\r\n\r\n");
    assertThat(key(request)).hasSize(24).isNotEqualTo(
        key(StandardCharsets.ISO_8859_1.decode(new Handshake("h", 1, "/", null, new Random(2)).request()).toString()));
  }

  @Test
  void onlyA101WithTheRightAcceptUpgrades() {
    Handshake h = new Handshake("h", 1, "/", null, new Random(3));
    String key = key(StandardCharsets.ISO_8859_1.decode(h.request()).toString());
    String ok = "HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: upgrade\r\n"
        + "sec-websocket-accept: " + Handshake.accept(key);
    assertThat(h.refusal(ok)).isNull();
    assertThat(h.refusal("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0")).contains("\"HTTP/1.1 401 Unauthorized\"");
    assertThat(h.refusal(ok.replace(Handshake.accept(key), Handshake.accept("other")))).contains("does not answer");
    assertThat(h.refusal(ok.replace("upgrade: WebSocket\r\n", ""))).contains("Upgrade: websocket");
    assertThat(h.refusal(ok + "\r\nsec-websocket-extensions: permessage-deflate")).contains("did not offer");
  }

  @Test
  void theAnswerEndsAfterItsBlankLine() {
    byte[] bytes = "HTTP/1.1 101 x\r\na: b\r\n\r\n\u0081\u0000".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Handshake.answerEnd(bytes, bytes.length)).isEqualTo(bytes.length - 2);
    assertThat(Handshake.answerEnd(bytes, bytes.length - 3)).isEqualTo(-1);
  }

  private static String key(String request) {
    Matcher m = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n").matcher(request);
    assertThat(m.find()).as("a key in %s", request).isTrue();
    return m.group(1);
  }
}
