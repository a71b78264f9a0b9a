package io.waitline.sync.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MLLP framing however TCP cuts the bytes: whole frames out, oversized ones cut to their head, stray bytes ignored. */
class MllpFramerTest {

  static Buffer frame(String text) {
    return Buffer.buffer().appendByte(MllpFramer.START).appendString(text).appendByte(MllpFramer.END)
        .appendByte(MllpFramer.CR);
  }

  static List<String> texts(List<MllpFramer.Frame> frames) {
    return frames.stream().map(f -> new String(f.bytes(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void framesFedOneByteAtATimeOrAllAtOnceComeOutTheSame() {
    Buffer two = frame("MSH|one").appendString("\r\n").appendBuffer(frame("MSH|two"));
    MllpFramer byByte = new MllpFramer(1024);
    List<MllpFramer.Frame> out = new ArrayList<>();
    for (int i = 0; i < two.length(); i++) out.addAll(byByte.feed(two.getBuffer(i, i + 1)));

    assertThat(texts(out)).containsExactly("MSH|one", "MSH|two");
    assertThat(texts(new MllpFramer(1024).feed(two))).containsExactly("MSH|one", "MSH|two");
  }

  @Test
  void anEndBlockNotFollowedByCarriageReturnIsContent() {
    String text = "MSH|a" + (char) MllpFramer.END + "b";

    assertThat(texts(new MllpFramer(1024).feed(frame(text)))).containsExactly(text);
  }

  @Test
  void aFrameOverTheLimitKeepsOnlyItsHeadAndTheNextFrameReadsNormally() {
    String big = "MSH|" + "x".repeat(MllpFramer.HEAD * 3);
    MllpFramer framer = new MllpFramer(MllpFramer.HEAD * 2);

    List<MllpFramer.Frame> out = framer.feed(frame(big).appendBuffer(frame("MSH|next")));

    assertThat(out).hasSize(2);
    assertThat(out.get(0).tooLarge()).isTrue();
    assertThat(new String(out.get(0).bytes(), StandardCharsets.UTF_8)).isEqualTo(big.substring(0, MllpFramer.HEAD));
    assertThat(out.get(1).tooLarge()).isFalse();
    assertThat(texts(out.subList(1, 2))).containsExactly("MSH|next");
  }

  @Test
  void aStartBlockInsideAnUnfinishedFrameDropsItAndStartsAgain() {
    MllpFramer framer = new MllpFramer(1024);

    assertThat(framer.feed(Buffer.buffer().appendByte(MllpFramer.START).appendString("MSH|cut"))).isEmpty();
    assertThat(framer.inFrame()).isTrue();
    assertThat(texts(framer.feed(frame("MSH|whole")))).containsExactly("MSH|whole");
    assertThat(framer.inFrame()).isFalse();
  }
}
