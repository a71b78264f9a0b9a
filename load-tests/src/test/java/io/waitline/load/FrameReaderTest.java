package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  private static final int HEAD = 16;

  /** What a reader reported, in order: "message <head> <length>", "ping <payload>", "close <code>". */
  private static final class Heard implements FrameReader.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void message(byte[] head, int headLength, long length) {
      events.add("message " + new String(head, 0, headLength, StandardCharsets.UTF_8) + " " + length);
    }

    @Override
    public void ping(byte[] payload, int length) {
      events.add("ping " + new String(payload, 0, length, StandardCharsets.UTF_8));
    }

    @Override
    public void closeFrame(int code) {
      events.add("close " + code);
    }
  }

  /** An unmasked server frame of {@code payloadLength} bytes: {@code text}, then 'x' up to that length. */
  private static byte[] frame(boolean fin, int opcode, String text, long payloadLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    if (payloadLength < 126) {
      out.write((int) payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      out.write(126);
      out.write((int) (payloadLength >> 8));
      out.write((int) payloadLength & 0xFF);
    } else {
      out.write(127);
      out.writeBytes(ByteBuffer.allocate(8).putLong(payloadLength).array());
    }
    byte[] payload = new byte[(int) payloadLength];
    Arrays.fill(payload, (byte) 'x');
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(t, 0, payload, 0, Math.min(t.length, payload.length));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] text(String text, long length) {
    return frame(true, FrameReader.TEXT, text, length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  /** Feeds {@code bytes} to a fresh reader in pieces of {@code piece} bytes, as reads into a buffer would. */
  private static List<String> read(byte[] bytes, int piece) throws FrameReader.ProtocolException {
    FrameReader reader = new FrameReader(HEAD);
    Heard heard = new Heard();
    ByteBuffer buffer = ByteBuffer.allocateDirect(piece);
    for (int i = 0; i < bytes.length; i += piece) {
      buffer.clear();
      buffer.put(bytes, i, Math.min(piece, bytes.length - i)).flip();
      reader.read(buffer, heard);
      assertThat(buffer.hasRemaining()).as("the reader takes all it is given").isFalse();
    }
    return heard.events;
  }

  @Test
  void readsSevenSixteenAndSixtyFourBitLengthsAndKeepsOnlyEachMessagesHead() throws Exception {
    byte[] bytes = concat(text("{\"seq\":1}", 9), text("{\"type\":\"delta\",\"seq\":2}", 125),
        text("{\"seq\":3}", 126), text("{\"seq\":4}", 65_535), text("{\"seq\":5}", 65_536),
        text("{\"seq\":6}", 300_000));
    assertThat(read(bytes, 64 * 1024)).containsExactly("message {\"seq\":1} 9",
        "message {\"type\":\"delta\", 125", "message {\"seq\":3}xxxxxxx 126", "message {\"seq\":4}xxxxxxx 65535",
        "message {\"seq\":5}xxxxxxx 65536", "message {\"seq\":6}xxxxxxx 300000");
  }

  @Test
  void aFrameSplitAnywhereAcrossReadsReadsTheSame() throws Exception {
    byte[] bytes = concat(text("{\"seq\":1}", 9), text("{\"seq\":2}", 200), text("{\"seq\":3}", 70_000),
        frame(true, FrameReader.PING, "are you there", 13), frame(true, FrameReader.CLOSE, "", 0));
    List<String> whole = read(bytes, bytes.length);
    assertThat(whole).hasSize(5);
    for (int piece : new int[] {1, 2, 3, 7, 10, 127, 4096}) {
      assertThat(read(bytes, piece)).as("in pieces of %d bytes", piece).isEqualTo(whole);
    }
  }

  @Test
  void aFragmentedMessageIsOneMessageWithAPingBetweenItsFragmentsAnsweredFirst() throws Exception {
    byte[] bytes = concat(frame(false, FrameReader.TEXT, "{\"type\"", 7),
        frame(true, FrameReader.PING, "p", 1), frame(false, FrameReader.CONTINUATION, ":\"bare\",", 8),
        frame(true, FrameReader.CONTINUATION, "\"seq\":9}", 200));
    assertThat(read(bytes, 5)).containsExactly("ping p", "message {\"type\":\"bare\",\" 215");
  }

  @Test
  void aCloseFrameGivesItsStatusCodeOrNoStatus() throws Exception {
    byte[] withCode = concat(new byte[] {(byte) 0x88, 4, 0x03, (byte) 0xF0}, "ok".getBytes(StandardCharsets.US_ASCII));
    assertThat(read(withCode, 3)).containsExactly("close 1008");
    assertThat(read(frame(true, FrameReader.CLOSE, "", 0), 1)).containsExactly("close 1005");
  }

  @Test
  void unsolicitedPongsAreIgnored() throws Exception {
    assertThat(read(concat(frame(true, FrameReader.PONG, "hb", 2), text("{}", 2)), 4))
        .containsExactly("message {} 2");
  }

  @Test
  void framesThatBreakTheProtocolAreRefused() {
    byte[] masked = {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x'};
    assertThatThrownBy(() -> read(masked, 10)).hasMessageContaining("masked");
    byte[] reserved = {(byte) 0xC1, 0};
    assertThatThrownBy(() -> read(reserved, 10)).hasMessageContaining("reserved bits");
    byte[] longPing = frame(true, FrameReader.PING, "", 126);
    assertThatThrownBy(() -> read(longPing, 200)).hasMessageContaining("control frame");
    byte[] fragmentedPing = frame(false, FrameReader.PING, "", 1);
    assertThatThrownBy(() -> read(fragmentedPing, 10)).hasMessageContaining("control frame");
    byte[] strayContinuation = frame(true, FrameReader.CONTINUATION, "x", 1);
    assertThatThrownBy(() -> read(strayContinuation, 10)).hasMessageContaining("continuation");
    byte[] twoStarts = concat(frame(false, FrameReader.TEXT, "a", 1), text("b", 1));
    assertThatThrownBy(() -> read(twoStarts, 10)).hasMessageContaining("final fragment");
    byte[] unknown = {(byte) 0x83, 0};
    assertThatThrownBy(() -> read(unknown, 10)).hasMessageContaining("unknown opcode");
    byte[] oneByteClose = {(byte) 0x88, 1, 3};
    assertThatThrownBy(() -> read(oneByteClose, 10)).hasMessageContaining("one-byte");
  }
}
