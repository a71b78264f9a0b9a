package io.waitline.edge.feed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * One text message that many feeds send: its text, and once a feed asks, the complete WebSocket frame that carries it,
 * encoded once and written to each socket as a retained duplicate. The bytes are those Netty's
 * {@code WebSocket08FrameEncoder} writes for a server's final text frame (RFC 6455 §5.2): FIN and the text opcode, no
 * mask, the payload's length in 7, 16 or 64 bits. Used on one event loop; {@link #release} once its feeds have it.
 */
final class SharedFrame {
  private static final int FIN_TEXT = 0x81;

  final String text;
  private ByteBuf encoded;
  private boolean tooLong;

  SharedFrame(String text) {
    this.text = text;
  }

  /**
   * The message as one frame, or null when it is longer than one frame may carry ({@link LiveFeeds#MAX_FRAME_BYTES}:
   * the socket's own write splits it).
   */
  ByteBuf encoded() {
    if (encoded == null && !tooLong) {
      tooLong = ByteBufUtil.utf8Bytes(text) > LiveFeeds.MAX_FRAME_BYTES;
      if (!tooLong) encoded = encode(text);
    }
    return encoded;
  }

  /** Lets go of the encoded frame; each write holds a reference of its own until the bytes are on the wire. */
  void release() {
    if (encoded != null) encoded.release();
    encoded = null;
  }

  /** {@code text} as a server's final text frame, in a direct buffer (what a socket write needs). */
  static ByteBuf encode(String text) {
    int length = ByteBufUtil.utf8Bytes(text);
    int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(header + length);
    frame.writeByte(FIN_TEXT);
    if (length <= 125) {
      frame.writeByte(length);
    } else if (length <= 0xFFFF) {
      frame.writeByte(126).writeShort(length);
    } else {
      frame.writeByte(127).writeLong(length);
    }
    ByteBufUtil.writeUtf8(frame, text);
    return frame;
  }
}
