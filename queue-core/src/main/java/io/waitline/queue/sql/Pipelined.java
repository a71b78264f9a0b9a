package io.waitline.queue.sql;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements sent on one connection without waiting for each answer: the client pipelines them, PostgreSQL runs them
 * in the order sent and answers in that order, and once one fails the transaction refuses the rest. So what they did
 * together is the first failure in the order sent, or else the last one's result; one round trip instead of one each.
 */
public final class Pipelined {
  private Pipelined() {}

  /** {@code last}'s result once it and every statement sent before it answered; else the first failure among them. */
  public static <T> Future<T> after(List<? extends Future<?>> sentBefore, Future<T> last) {
    List<Future<?>> all = new ArrayList<>(sentBefore);
    all.add(last);
    return Future.join(all).transform(done -> {
      for (Future<?> sent : sentBefore) if (sent.failed()) return Future.failedFuture(sent.cause());
      return last;
    });
  }
}
