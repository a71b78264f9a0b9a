package io.waitline.edge.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
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

  /**
   * The consumer of an address completes on the loop of the first feed that joined; a feed of another loop must go
   * on (read its snapshot, write its first frames) on its own loop, never on the first feed's thread.
   */
  @Test
  void aFeedOfAnotherLoopGoesOnOnItsOwnLoopWhenTheAddressesConsumerIsReady() {
    Vertx node = Vertx.vertx();
    try {
      Context first = ((VertxInternal) node).createEventLoopContext();
      Thread firstLoop = threadOf(first);
      Context other = first;
      for (int i = 0; i < 8 && threadOf(other) == firstLoop; i++) {
        other = ((VertxInternal) node).createEventLoopContext(); // each on the next event loop in turn
      }
      Thread otherLoop = threadOf(other);
      assertThat(otherLoop).isNotSameAs(firstLoop);

      Context otherContext = other;
      Promise<Void> registered = ((ContextInternal) first).promise();
      Promise<Thread> plainRanOn = Promise.promise();
      Promise<Thread> boundRanOn = Promise.promise();
      otherContext.runOnContext(v -> {
        registered.future().onComplete(ar -> plainRanOn.complete(Thread.currentThread()));
        FeedHub.onContext(otherContext, registered.future()).onComplete(ar -> boundRanOn.complete(Thread.currentThread()));
        first.runOnContext(w -> registered.complete());
      });

      assertThat(plainRanOn.future().await()).as("the consumer's own future").isSameAs(firstLoop);
      assertThat(boundRanOn.future().await()).as("what the feed waits on").isSameAs(otherLoop);
    } finally {
      node.close().await();
    }
  }

  private static Thread threadOf(Context context) {
    Promise<Thread> thread = Promise.promise();
    context.runOnContext(v -> thread.complete(Thread.currentThread()));
    return thread.future().await();
  }
}
