package io.waitline.sync.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.waitline.sync.source.Source;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Group commit of pushed records (HL7 v2 messages from every MLLP connection): a record submitted while no batch runs
 * starts one at once; those submitted while one runs wait and are applied together in the next, in ONE transaction
 * ({@link Pipeline#receiveTogether}), in the order submitted. One batch runs at a time, so records are applied in
 * the order they were submitted, and each one's result is known only once its batch committed. A batch holds at most
 * {@code maxRecords} records and {@code maxChars} characters of payload (one larger record is a batch of its own).
 */
public final class GroupCommit {
  private final Pipeline pipeline;
  private final int maxRecords;
  private final long maxChars;
  private final BiConsumer<List<Pipeline.Received>, List<Future<Pipeline.Result>>> afterBatch;
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private boolean running;

  /** A submitted record, with where its result is awaited. */
  private record Waiting(Pipeline.Received received, Promise<Pipeline.Result> result, Context caller) {}

  /**
   * @param afterBatch told of each batch once it is done (its records and their results), e.g. to record the
   *     sources' health once per batch
   */
  public GroupCommit(Pipeline pipeline, int maxRecords, long maxChars,
      BiConsumer<List<Pipeline.Received>, List<Future<Pipeline.Result>>> afterBatch) {
    if (maxRecords < 1 || maxRecords > Pipeline.BATCH) {
      throw new IllegalArgumentException("maxRecords must be 1 to " + Pipeline.BATCH);
    }
    this.pipeline = pipeline;
    this.maxRecords = maxRecords;
    this.maxChars = maxChars;
    this.afterBatch = afterBatch;
  }

  /**
   * The record's result once its batch committed (or failed as a whole and was applied alone), completed on the
   * caller's context. Fails only when the record could not be applied at all (e.g. the database is unreachable).
   */
  public Future<Pipeline.Result> submit(Source source, ReceivedRecord record, RecordReader reader) {
    Context caller = Vertx.currentContext();
    Promise<Pipeline.Result> result = Promise.promise();
    boolean start;
    synchronized (this) {
      waiting.add(new Waiting(new Pipeline.Received(source, record, reader), result, caller));
      start = !running;
      running = true;
    }
    if (start) next();
    return result.future();
  }

  /** Applies what waits, as one batch, then the next; stops when nothing waits. */
  private void next() {
    List<Waiting> batch = take();
    if (batch.isEmpty()) return;
    List<Pipeline.Received> received = batch.stream().map(Waiting::received).toList();
    List<Future<Pipeline.Result>> results = pipeline.receiveTogether(received);
    for (int i = 0; i < batch.size(); i++) {
      Waiting w = batch.get(i);
      results.get(i).onComplete(done -> {
        if (w.caller() == null) w.result().handle(done);
        else w.caller().runOnContext(v -> w.result().handle(done));
      });
    }
    Future.join(results).onComplete(done -> {
      afterBatch.accept(received, results);
      next();
    });
  }

  /** The next batch, in the order submitted and within the bounds; empty (and no longer running) when none waits. */
  private synchronized List<Waiting> take() {
    List<Waiting> batch = new ArrayList<>();
    long chars = 0;
    while (!waiting.isEmpty() && batch.size() < maxRecords) {
      long size = waiting.peek().received().record().payload().length();
      if (!batch.isEmpty() && chars + size > maxChars) break;
      chars += size;
      batch.add(waiting.poll());
    }
    if (batch.isEmpty()) running = false;
    return batch;
  }
}
