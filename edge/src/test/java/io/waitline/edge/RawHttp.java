package io.waitline.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as written over a plain socket, for requests no HTTP client would send (a broken Host, broken
 * chunked encoding, an unknown HTTP version), and reads what the server answers until it closes the connection.
 */
final class RawHttp {
  private RawHttp() {}

  /** What came back: the status (0 when the server closed without answering) and the whole response text. */
  record Answer(int status, String text) {
    String body() {
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? "" : text.substring(end + 4);
    }
  }

  /** Sends {@code request} (with its own CRLFs) and reads the answer; waits at most 10 s for the server to close. */
  static Answer send(int port, String request) {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String text = readAll(socket.getInputStream());
      int status = text.startsWith("HTTP/1.") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
      return new Answer(status, text);
    } catch (IOException e) {
      throw new AssertionError("the request could not be sent: " + e, e);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) out.write(chunk, 0, n);
    } catch (SocketTimeoutException stillOpen) {
      // the server kept the connection open after answering; what it sent is all there is
    } catch (IOException reset) {
      // a reset after the answer still leaves the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
