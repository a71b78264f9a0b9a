package io.waitline.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watcher every {@link TestApp} runs turns a blocked event loop into a failure; what a node does at start is watched too. */
class BlockedEventLoopsTest {

  @Test
  void anEventLoopBlockedLongerThanAllowedFailsTheWatcher() {
    // a checker that looks every 10 ms and allows 50 ms, so the test blocks briefly
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10)
        .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    BlockedEventLoops watcher = BlockedEventLoops.watch();
    try {
      Promise<Void> handled = Promise.promise();
      vertx.runOnContext(v -> {
        busyFor(400); // what a handler that waits on the event loop does
        handled.complete();
      });
      handled.future().await();
      assertThatThrownBy(watcher::assertNone).hasMessageContaining("has been blocked");
      assertThatCode(watcher::assertNone).as("reported once").doesNotThrowAnyException();
    } finally {
      watcher.stop();
      vertx.close().await();
    }
  }

  @Test
  void readingTheContractAtStartLeavesTheEventLoopsFree() {
    // the YAML read and the contract's resolution took 0.3 s of an event loop at start (seconds under load); 200 ms
    // allowed, so a busy machine's scheduling alone does not fail it
    Vertx vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10)
        .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    BlockedEventLoops watcher = BlockedEventLoops.watch();
    try {
      OpenAPIContract contract = EdgeRouter.contract(vertx).await();
      assertThat(contract.operation("callNext")).as("the contract is read whole").isNotNull();
      watcher.assertNone();
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
