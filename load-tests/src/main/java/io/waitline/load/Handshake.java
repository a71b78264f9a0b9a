package io.waitline.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;

/**
 * A WebSocket client's opening handshake (RFC 6455 §4.1): the HTTP/1.1 upgrade request with a fresh
 * {@code Sec-WebSocket-Key}, and the checks of the server's answer, its {@code Sec-WebSocket-Accept} among them. No
 * extension and no subprotocol is offered, so the answer may choose none.
 */
final class Handshake {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** The most an answer's status line and headers may take. */
  static final int MAX_ANSWER_BYTES = 8192;

  private final String key;
  private final byte[] request;

  /**
   * A handshake for {@code path} on {@code host:port}, with {@code Authorization: Bearer} when {@code bearer} is
   * given; its key's 16 bytes come from {@code random}.
   */
  Handshake(String host, int port, String path, String bearer, Random random) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    key = Base64.getEncoder().encodeToString(nonce);
    request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  ByteBuffer request() {
    return ByteBuffer.wrap(request);
  }

  /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with. */
  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-1", e);
    }
  }

  /**
   * Where the answer's headers end in {@code bytes[0..length)} (the index after the blank line, where frames begin),
   * or -1 when they have not all come yet.
   */
  static int answerEnd(byte[] bytes, int length) {
    for (int i = 3; i < length; i++) {
      if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') return i + 1;
    }
    return -1;
  }

  /**
   * Checks the answer's status line and headers ({@code answer}, up to the blank line); null when the upgrade
   * succeeded, else what was wrong, in a sentence with the answer's status line.
   */
  String refusal(String answer) {
    String[] lines = answer.split("\r\n");
    String status = lines[0];
    if (!status.startsWith("HTTP/1.1 101 ")) return "the server answered the upgrade with \"" + status + "\"";
    String upgrade = null;
    String connection = null;
    String accept = null;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) continue;
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "upgrade" -> upgrade = value;
        case "connection" -> connection = value;
        case "sec-websocket-accept" -> accept = value;
        case "sec-websocket-extensions", "sec-websocket-protocol" -> {
          return "the server chose " + name + " \"" + value + "\", which this client did not offer";
        }
        default -> {
          // other headers do not matter to the upgrade
        }
      }
    }
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) return "101 without \"Upgrade: websocket\"";
    if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
      return "101 without \"Connection: Upgrade\"";
    }
    if (!accept(key).equals(accept)) {
      return "Sec-WebSocket-Accept \"" + accept + "\" does not answer the key \"" + key + "\"";
    }
    return null;
  }
}
