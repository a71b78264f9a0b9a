package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** A node has one feed hub however many edge instances ask for it, so an address has one event-bus consumer. */
class FeedHubTest {
  @Test
  void everyEdgeInstanceOfANodeSharesOneHubAndAnotherNodeHasItsOwn() {
    Vertx node = Vertx.vertx();
    Vertx otherNode = Vertx.vertx();
    try {
      FeedHub hub = FeedHub.of(node);
      assertThat(node.executeBlocking(() -> FeedHub.of(node)).await()).isSameAs(hub); // from another thread
      assertThat(FeedHub.of(node)).isSameAs(hub);
      assertThat(FeedHub.of(otherNode)).isNotSameAs(hub);
    } finally {
      node.close().await();
      otherNode.close().await();
    }
  }
}
