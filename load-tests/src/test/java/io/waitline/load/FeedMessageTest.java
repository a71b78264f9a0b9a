package io.waitline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeedMessageTest {

  @Test
  void readsTypeSeqEventAndEntryIdWhateverTheFieldOrderAndSkipsTheLineup() {
    String text = "{\"lineup\":[{\"id\":\"x\",\"estimate\":{\"p50Minutes\":5}}],\"type\":\"event\","
        + "\"entry\":{\"ticket\":\"Z-001\",\"patient\":{\"id\":\"not-this\"},\"id\":\"e-1\"},\"seq\":42,"
        + "\"event\":\"called\",\"queue\":{\"seq\":42}}";
    assertThat(FeedMessage.parse(text)).isEqualTo(new FeedMessage("event", 42, "called", "e-1"));
  }

  @Test
  void heartbeatsAndEventsWithoutAnEntryHaveNoEntryId() {
    assertThat(FeedMessage.parse("{\"type\":\"heartbeat\",\"at\":\"2026-01-01T00:00:00Z\"}"))
        .isEqualTo(new FeedMessage("heartbeat", -1, null, null));
    assertThat(FeedMessage.parse("{\"type\":\"event\",\"seq\":7,\"event\":\"paused\",\"entry\":null}").entryId())
        .isNull();
  }

  @Test
  void refusesTextThatIsNotAJsonObject() {
    assertThatThrownBy(() -> FeedMessage.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedMessage.parse("{\"type\":")).isInstanceOf(IllegalArgumentException.class);
  }
}
