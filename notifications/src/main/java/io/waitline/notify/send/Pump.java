package io.waitline.notify.send;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a polling task on one context: again at once while it finds work, after {@code idleMillis} when it does
 * not, and at once when woken. Never two runs at a time.
 */
public final class Pump {
  private static final Logger LOG = LoggerFactory.getLogger(Pump.class);

  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final long idleMillis;
  private final Supplier<Future<Integer>> task;
  private boolean running;
  private boolean again;
  private boolean stopped = true;
  private long timer = -1;
  private Promise<Void> idle;

  public Pump(Vertx vertx, Context context, String name, long idleMillis, Supplier<Future<Integer>> task) {
    this.vertx = vertx;
    this.context = context;
    this.name = name;
    this.idleMillis = idleMillis;
    this.task = task;
  }

  public void start() {
    context.runOnContext(v -> {
      stopped = false;
      run();
    });
  }

  /** Safe from any thread. */
  public void wake() {
    context.runOnContext(v -> run());
  }

  /** Stops scheduling; completes when a run in progress has finished. */
  public Future<Void> stop() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopped = true;
      if (timer >= 0) vertx.cancelTimer(timer);
      if (!running) done.complete();
      else idle = done;
    });
    return done.future();
  }

  private void run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    Future<Integer> f;
    try {
      f = task.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      running = false;
      if (ar.failed()) LOG.warn("{} failed; retrying in {} ms: {}", name, idleMillis, ar.cause().toString());
      boolean more = (ar.succeeded() && ar.result() > 0) || again;
      again = false;
      if (stopped) {
        if (idle != null) idle.complete();
        return;
      }
      if (more) context.runOnContext(v -> run());
      else timer = vertx.setTimer(idleMillis, id -> {
        timer = -1;
        run();
      });
    });
  }
}
