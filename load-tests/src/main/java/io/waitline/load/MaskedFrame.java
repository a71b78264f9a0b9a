package io.waitline.load;

import java.nio.ByteBuffer;

/** The control frames a client sends (pong, close), masked as RFC 6455 §5.3 requires of every client frame. */
final class MaskedFrame {
  private MaskedFrame() {
  }

  /** A pong echoing {@code payload[0..length)} (at most 125 bytes). */
  static ByteBuffer pong(byte[] payload, int length, byte[] mask) {
    return frame(FrameReader.PONG, payload, length, mask);
  }

  /** A close frame with status {@code code} ({@link FrameReader#NO_STATUS}: without a payload). */
  static ByteBuffer close(int code, byte[] mask) {
    if (code == FrameReader.NO_STATUS) return frame(FrameReader.CLOSE, new byte[0], 0, mask);
    return frame(FrameReader.CLOSE, new byte[] {(byte) (code >> 8), (byte) code}, 2, mask);
  }

  /** A final frame of {@code opcode} with a 7-bit length, its payload XORed with the 4-byte {@code mask}. */
  private static ByteBuffer frame(int opcode, byte[] payload, int length, byte[] mask) {
    if (length > 125) throw new IllegalArgumentException("a control frame carries at most 125 bytes: " + length);
    ByteBuffer frame = ByteBuffer.allocate(6 + length);
    frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | length)).put(mask, 0, 4);
    for (int i = 0; i < length; i++) frame.put((byte) (payload[i] ^ mask[i & 3]));
    return frame.flip();
  }
}
