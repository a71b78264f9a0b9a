package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameHeadTest {
  private static final byte[] DELTA = "delta".getBytes(StandardCharsets.US_ASCII);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheTypeAndSeqOfADeltaWhateverComesBetween() {
    byte[] delta = utf8("{\"type\":\"delta\",\"queueId\":\"display-1a2b\",\"entry\":{\"seq\":99,\"note\":\"a \\\"q\\\" }\"},"
        + " \"seq\" : 42 ,\"event\":\"called\"}");
    assertThat(FrameHead.typeIs(delta, delta.length, DELTA)).isTrue();
    assertThat(FrameHead.seq(delta, delta.length)).isEqualTo(42);
  }

  @Test
  void aNestedSeqIsNotTheFramesOwn() {
    byte[] snapshot = utf8("{\"type\":\"snapshot\",\"protocol\":2,\"queues\":[{\"queue\":{\"seq\":41},\"seq\":41}]}");
    assertThat(FrameHead.seq(snapshot, snapshot.length)).isEqualTo(-1);
    assertThat(FrameHead.typeIs(snapshot, snapshot.length, DELTA)).isFalse();
    assertThat(FrameHead.typeIs(snapshot, snapshot.length, utf8("snapshot"))).isTrue();
  }

  @Test
  void aTypeThatOnlyStartsTheSameIsAnotherType() {
    byte[] frame = utf8("{\"type\":\"deltas\",\"seq\":1}");
    assertThat(FrameHead.typeIs(frame, frame.length, DELTA)).isFalse();
    byte[] heartbeat = utf8("{\"type\":\"heartbeat\",\"at\":\"2026-01-01T00:00:00Z\"}");
    assertThat(FrameHead.seq(heartbeat, heartbeat.length)).isEqualTo(-1);
  }

  @Test
  void whatLiesPastTheHeadIsNotKnown() {
    byte[] frame = utf8("{\"type\":\"bare\",\"seq\":1234,\"pad\":\"xx");
    assertThat(FrameHead.seq(frame, frame.length)).isEqualTo(1234);
    int cutInSeq = "{\"type\":\"bare\",\"seq\":12".length();
    assertThat(FrameHead.seq(frame, cutInSeq)).as("a number cut off may go on").isEqualTo(-1);
    int cutInType = "{\"type\":\"ba".length();
    assertThat(FrameHead.typeIs(frame, cutInType, utf8("bare"))).isFalse();
    assertThat(FrameHead.typeIs(frame, frame.length, utf8("bare"))).isTrue();
  }

  @Test
  void notAnObjectHasNeitherTypeNorSeq() {
    for (String text : new String[] {"[1]", "", "\"seq\":1", "{\"seq\":-1}", "{\"seq\":\"1\"}", "{seq:1}"}) {
      byte[] b = utf8(text);
      assertThat(FrameHead.seq(b, b.length)).as(text).isEqualTo(-1);
      assertThat(FrameHead.typeIs(b, b.length, DELTA)).as(text).isFalse();
    }
  }
}
