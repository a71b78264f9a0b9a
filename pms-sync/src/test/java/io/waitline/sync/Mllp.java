package io.waitline.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A raw MLLP peer over a plain socket: writes bytes exactly as given (split or joined), reads framed answers. */
final class Mllp implements AutoCloseable {
  static final byte START = 0x0B;
  static final byte END = 0x1C;
  static final byte CR = 0x0D;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  Mllp(int port) throws IOException {
    this(new Socket("localhost", port));
  }

  /** Over TLS (MLLPS), trusting only the listener's certificate. */
  static Mllp overTls(int port, Path trustedCertificatePem) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream pem = Files.newInputStream(trustedCertificatePem)) {
      trusted.setCertificateEntry("listener", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
    socket.startHandshake();
    return new Mllp(socket);
  }

  private Mllp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** One message framed, as bytes. */
  static byte[] frame(byte[] message) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(START);
    b.writeBytes(message);
    b.write(END);
    b.write(CR);
    return b.toByteArray();
  }

  static byte[] frame(String message) {
    return frame(message.getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next answer's text, or null when the listener closed the connection without one. */
  String read() throws IOException {
    int b;
    while ((b = in.read()) != START) {
      if (b == -1) return null;
    }
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    while (true) {
      b = in.read();
      if (b == -1) return null;
      if (b == END) {
        if (in.read() != CR) throw new IOException("an end block not followed by CR");
        return msg.toString(StandardCharsets.UTF_8);
      }
      msg.write(b);
    }
  }

  /** Whether the listener closed the connection (no answer came before the end of the stream). */
  boolean closedWithoutAnswer() throws IOException {
    try {
      return read() == null;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
