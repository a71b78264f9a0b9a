package io.waitline.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Ports on the loopback interface for tests that start servers of their own (in the test-jar for every module). */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /** A port nothing listens on right now (the system picked it and it was closed again). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether something accepts a TCP connection on {@code port} of 127.0.0.1 within {@code timeoutMillis}. */
  public static boolean accepts(int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
