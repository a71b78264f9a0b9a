package io.waitline.sync.hl7;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * MLLP framing of one connection: a message is the bytes between a start block (0x0B) and an end block (0x1C 0x0D),
 * however TCP splits or joins them. Bytes outside a frame are ignored; a new start block drops an unfinished frame. A frame longer than {@code maxBytes} is not
 * kept: its first bytes are (so its MSH can still be answered) and the rest is skipped up to its end block, so the
 * next message on the connection reads normally.
 */
final class MllpFramer {
  static final byte START = 0x0B;
  static final byte END = 0x1C;
  static final byte CR = 0x0D;
  /** How much of an oversized frame is kept to answer it. */
  static final int HEAD = 4096;

  /** One framed message, or the head of one that was too large. */
  record Frame(byte[] bytes, boolean tooLarge) {}

  private final int maxBytes;
  private Buffer current;
  private long length;
  private boolean sawEnd;

  MllpFramer(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The frames {@code chunk} completes, in order. */
  List<Frame> feed(Buffer chunk) {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < chunk.length(); i++) {
      byte b = chunk.getByte(i);
      if (b == START) {
        // a start block inside a frame: the frame before it was cut off; it gets no answer, so the sender resends it
        current = Buffer.buffer();
        length = 0;
        sawEnd = false;
        continue;
      }
      if (current == null) continue;
      if (sawEnd) {
        sawEnd = false;
        if (b == CR) {
          frames.add(new Frame(current.getBytes(), length > maxBytes));
          current = null;
          continue;
        }
        keep(END); // a lone 0x1C inside the message is content
      }
      if (b == END) {
        sawEnd = true;
      } else {
        keep(b);
      }
    }
    return frames;
  }

  /** Whether a frame was started and not yet ended (the connection closed mid-message: a truncated frame). */
  boolean inFrame() {
    return current != null;
  }

  private void keep(byte b) {
    length++;
    // too large: from here on only its head is kept
    if (length == maxBytes + 1L) current = current.getBuffer(0, Math.min(HEAD, current.length()));
    if (length <= maxBytes || current.length() < HEAD) current.appendByte(b);
  }
}
