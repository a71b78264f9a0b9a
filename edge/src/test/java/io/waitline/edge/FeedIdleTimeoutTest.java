package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The idle timeout ends silent connections, not live feeds: once a connection is a feed, its heartbeat is what tells a
 * live client from a dead one, and the connection's idle handler is gone (an open feed keeps less on the heap). The
 * node here closes a connection silent for 1 s, far less than a heartbeat period, and gives heads and bodies 60 s.
 */
class FeedIdleTimeoutTest {
  @RegisterExtension
  static final TestApp app = TestApp.nodeTuned(o -> o.connectionLimits(256, Duration.ofSeconds(60),
      Duration.ofSeconds(60), Duration.ofSeconds(1)));

  @Test
  void aFeedSilentForLongerThanTheIdleTimeoutStaysOpenWhileASilentConnectionIsClosed() throws IOException {
    String queue = app.newQueue();
    try (FeedClient feed = app.staffFeed(queue);
        Socket silent = new Socket("127.0.0.1", app.port())) {
      feed.next("snapshot");
      silent.setSoTimeout(10_000); // far beyond the idle timeout: a read that times out means it was kept open
      // the marker: a connection opened after the feed, and as silent, is closed by the idle timeout
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
      app.checkIn(queue, "Ann Afterwards");
      assertThat(feed.next("event").toString()).contains("Ann");
    }
  }
}
