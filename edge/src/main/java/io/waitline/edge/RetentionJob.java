package io.waitline.edge;

import io.vertx.core.Future;
import io.waitline.queue.retention.RetentionBatches;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's retention run: each module's own removal of patient details past retention, one after the other, at
 * one instant of the node's clock. Each module works in its own bounded, locked batches; this only orders them.
 */
public final class RetentionJob {
  private final Clock clock;
  private final RetentionBatches batches;
  private final Map<String, RetentionBatches.Batch> modules = new LinkedHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();

  RetentionJob(Clock clock, RetentionBatches batches) {
    this.clock = clock;
    this.batches = batches;
  }

  /** Adds a module's removal: its batch, run until it is done. */
  RetentionJob module(String name, RetentionBatches.Batch batch) {
    modules.put(name, batch);
    return this;
  }

  /**
   * Runs every module's removal, each whatever the others did; yields the records each changed, by module (empty
   * while an earlier run of this node is still at work), or fails naming the modules that failed, after the others ran.
   */
  public Future<Map<String, Integer>> run() {
    if (!running.compareAndSet(false, true)) return Future.succeededFuture(Map.of());
    Instant now = clock.instant();
    Map<String, Integer> changed = new LinkedHashMap<>();
    List<String> failed = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (var module : modules.entrySet()) {
      chain = chain.compose(v -> batches.run(module.getKey(), now, module.getValue())
          .<Void>map(n -> {
            changed.put(module.getKey(), n);
            return null;
          })
          .recover(err -> {
            failed.add(module.getKey() + " (" + err.getMessage() + ")");
            return Future.succeededFuture();
          }));
    }
    return chain.<Map<String, Integer>>compose(v -> failed.isEmpty() ? Future.succeededFuture(changed)
            : Future.failedFuture("retention failed in " + String.join(", ", failed)))
        .onComplete(done -> running.set(false));
  }
}
