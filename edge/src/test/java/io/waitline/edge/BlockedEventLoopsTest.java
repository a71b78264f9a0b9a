package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The watcher every {@link TestApp} runs turns a blocked event loop into a failure; what a node does at start is watched too. */
class BlockedEventLoopsTest {

  @Test
  void anEventLoopBlockedLongerThanAllowedFailsTheWatcher() {
    // 50 ms allowed, so the test blocks briefly
    watched(50, (vertx, watcher) -> {
      Promise<Void> handled = Promise.promise();
      vertx.runOnContext(v -> {
        busyFor(400); // what a handler that waits on the event loop does
        handled.complete();
      });
      handled.future().await();
      assertThatThrownBy(watcher::assertNone).hasMessageContaining("has been blocked");
      assertThatCode(watcher::assertNone).as("reported once").doesNotThrowAnyException();
    });
  }

  @Test
  void readingTheContractAtStartLeavesTheEventLoopsFree() {
    // the YAML read and the contract's resolution took 0.3 s of an event loop at start (seconds under load); 200 ms
    // allowed, so a busy machine's scheduling alone does not fail it
    watched(200, (vertx, watcher) -> {
      OpenAPIContract contract = EdgeRouter.contract(vertx).await();
      assertThat(contract.operation("callNext")).as("the contract is read whole").isNotNull();
      watcher.assertNone();
    });
  }

  /**
   * Runs {@code test} on a Vert.x whose checker looks every 10 ms and allows {@code maxMillis} on an event loop, with
   * a watcher of its warnings; both stopped afterwards.
   */
  private static void watched(long maxMillis, BiConsumer<Vertx, BlockedEventLoops> test) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10)
        .setMaxEventLoopExecuteTime(maxMillis).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    BlockedEventLoops watcher = BlockedEventLoops.watch();
    try {
      test.accept(vertx, watcher);
    } finally {
      watcher.stop();
      vertx.close().await();
    }
  }

  private static void busyFor(long millis) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) Thread.onSpinWait();
  }
}
