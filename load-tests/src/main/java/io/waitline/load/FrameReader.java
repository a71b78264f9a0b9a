package io.waitline.load;

import java.nio.ByteBuffer;

/**
 * Reads the frames a WebSocket server sends one connection (RFC 6455 §5), fed its bytes in whatever pieces they
 * arrive. It keeps only what a screen of the benchmark needs across reads: the frame header being read, the first
 * {@code headBytes} of the message under way and its length so far, and a control frame's payload; the rest of a
 * message is counted, not copied. Nothing is allocated per frame.
 */
final class FrameReader {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  /** A close frame without a status code (RFC 6455 §7.1.5). */
  static final int NO_STATUS = 1005;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  /** What the reader found; called on the thread that feeds it. */
  interface Listener {
    /**
     * A whole data message (its fragments joined): its first bytes ({@code head[0..headLength)}, valid only during
     * the call) and its length in bytes.
     */
    void message(byte[] head, int headLength, long length);

    /** A ping, whose payload ({@code payload[0..length)}, valid only during the call) the pong must echo. */
    void ping(byte[] payload, int length);

    /** The server's close frame: its status code ({@link #NO_STATUS} when it gave none). */
    void closeFrame(int code);
  }

  /** A frame that breaks RFC 6455: the connection must fail. */
  static final class ProtocolException extends Exception {
    ProtocolException(String message) {
      super(message);
    }
  }

  private final byte[] head;
  /** The frame header being read: 2 bytes, then 0, 2 or 8 of extended length (a server's frames are not masked). */
  private final byte[] header = new byte[10];
  private int headerRead;
  private int headerLength = 2;
  private int opcode;
  private boolean fin;
  private long payloadLeft;
  /** The data message under way: whether one is, its opcode, its length so far and how much of its head is kept. */
  private boolean inMessage;
  private long messageLength;
  private int headLength;
  private byte[] control;
  private int controlLength;

  FrameReader(int headBytes) {
    head = new byte[headBytes];
  }

  /** Reads everything {@code in} has left, calling {@code listener} for each whole message and control frame. */
  void read(ByteBuffer in, Listener listener) throws ProtocolException {
    while (in.hasRemaining()) {
      if (headerRead < headerLength) {
        header[headerRead++] = in.get();
        if (headerRead == 2) startHeader();
        if (headerRead == headerLength) startPayload(listener);
        continue;
      }
      int n = (int) Math.min(payloadLeft, in.remaining());
      if (isControl(opcode)) {
        in.get(control, controlLength, n);
        controlLength += n;
      } else {
        int keep = Math.min(n, head.length - headLength);
        in.get(head, headLength, keep);
        headLength += keep;
        in.position(in.position() + n - keep);
        messageLength += n;
      }
      payloadLeft -= n;
      if (payloadLeft == 0) endFrame(listener);
    }
  }

  /** The first two bytes are in: checks them and knows how long the header is. */
  private void startHeader() throws ProtocolException {
    int b0 = header[0] & 0xFF;
    int b1 = header[1] & 0xFF;
    if ((b0 & 0x70) != 0) throw new ProtocolException("reserved bits set without an extension: " + hex(b0));
    if ((b1 & 0x80) != 0) throw new ProtocolException("a server's frame is masked");
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    int length = b1 & 0x7F;
    headerLength = length == 126 ? 4 : length == 127 ? 10 : 2;
    if (isControl(opcode) && (!fin || length > MAX_CONTROL_PAYLOAD)) {
      throw new ProtocolException("a control frame fragmented or longer than 125 bytes (opcode " + hex(opcode) + ")");
    }
  }

  /** The whole header is in: checks the opcode against the message under way and starts the payload. */
  private void startPayload(Listener listener) throws ProtocolException {
    int length = header[1] & 0x7F;
    if (length == 126) {
      payloadLeft = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    } else if (length == 127) {
      payloadLeft = ByteBuffer.wrap(header, 2, 8).getLong();
      if (payloadLeft < 0) throw new ProtocolException("a 64-bit length with its top bit set");
    } else {
      payloadLeft = length;
    }
    switch (opcode) {
      case TEXT, BINARY -> {
        if (inMessage) throw new ProtocolException("a new message before the last one's final fragment");
        inMessage = true;
        messageLength = 0;
        headLength = 0;
      }
      case CONTINUATION -> {
        if (!inMessage) throw new ProtocolException("a continuation frame without a message to continue");
      }
      case CLOSE, PING, PONG -> {
        if (control == null) control = new byte[MAX_CONTROL_PAYLOAD];
        controlLength = 0;
      }
      default -> throw new ProtocolException("unknown opcode " + hex(opcode));
    }
    if (payloadLeft == 0) endFrame(listener);
  }

  private void endFrame(Listener listener) throws ProtocolException {
    headerRead = 0;
    headerLength = 2;
    switch (opcode) {
      case PING -> listener.ping(control, controlLength);
      case PONG -> {
        // unsolicited pongs are allowed and mean nothing (RFC 6455 §5.5.3)
      }
      case CLOSE -> {
        if (controlLength == 1) throw new ProtocolException("a close frame with a one-byte payload");
        listener.closeFrame(controlLength == 0 ? NO_STATUS : ((control[0] & 0xFF) << 8) | (control[1] & 0xFF));
      }
      default -> {
        if (fin) {
          inMessage = false;
          listener.message(head, headLength, messageLength);
        }
      }
    }
  }

  private static boolean isControl(int opcode) {
    return (opcode & 0x8) != 0;
  }

  private static String hex(int b) {
    return "0x" + Integer.toHexString(b);
  }
}
