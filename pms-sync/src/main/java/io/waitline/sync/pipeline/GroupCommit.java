package io.waitline.sync.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Group commit of pushed records (HL7 v2 messages from every MLLP connection): records submitted while few batches
 * run start one at once; those submitted meanwhile wait and are applied together in the next, in ONE transaction
 * ({@link Pipeline#receiveTogether}), in the order submitted. At most {@link #MAX_BATCHES} batches run at once (one
 * waits for the database while the other is read), and a source's records are in one running batch at most, so each
 * source's records are applied in the order submitted; each one's result is known only once its batch committed. A
 * batch holds at most {@code maxRecords} records and {@code maxChars} characters of payload (one larger record is a
 * batch of its own).
 */
public final class GroupCommit {
  /** Batches applied at once. */
  static final int MAX_BATCHES = 2;

  private final Pipeline pipeline;
  private final int maxRecords;
  private final long maxChars;
  private final BiConsumer<List<Pipeline.Received>, List<Future<Pipeline.Result>>> afterBatch;
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  /** The sources of the running batches. */
  private final Set<UUID> busy = new HashSet<>();
  private int running;

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
   * Each record's result once its batch committed (or failed as a whole and was applied again), completed on the
   * caller's context. Records submitted together (a pipelining sender's window as it arrived) wait together, so they
   * are taken into one batch unless a batch of their source runs (then into the next) or the bounds split them. A
   * result fails only when its record could not be applied at all (e.g. the database is unreachable).
   */
  public List<Future<Pipeline.Result>> submitAll(List<Pipeline.Received> received) {
    Context caller = Vertx.currentContext();
    List<Waiting> submitted = received.stream().map(r -> new Waiting(r, Promise.<Pipeline.Result>promise(), caller))
        .toList();
    synchronized (this) {
      waiting.addAll(submitted);
    }
    startWhatCan();
    return submitted.stream().map(w -> w.result().future()).toList();
  }

  /** Starts batches of what waits, as long as fewer than {@link #MAX_BATCHES} run and a waiting source is free. */
  private void startWhatCan() {
    for (List<Waiting> batch = take(); !batch.isEmpty(); batch = take()) apply(batch);
  }

  /** Applies one batch; when it is done, frees its sources, starts what waits and answers each caller in one task. */
  private void apply(List<Waiting> batch) {
    List<Pipeline.Received> received = batch.stream().map(Waiting::received).toList();
    List<Future<Pipeline.Result>> results = pipeline.receiveTogether(received);
    Future.join(results).onComplete(done -> {
      synchronized (this) {
        running--;
        received.forEach(r -> busy.remove(r.source().id()));
      }
      afterBatch.accept(received, results);
      startWhatCan();
      Map<Context, List<Integer>> byCaller = new LinkedHashMap<>();
      for (int i = 0; i < batch.size(); i++) {
        Context caller = batch.get(i).caller();
        if (caller == null) batch.get(i).result().handle(results.get(i));
        else byCaller.computeIfAbsent(caller, c -> new ArrayList<>()).add(i);
      }
      byCaller.forEach((caller, indexes) -> caller.runOnContext(v ->
          indexes.forEach(i -> batch.get(i).result().handle(results.get(i)))));
    });
  }

  /**
   * The next batch: the waiting records of sources in no running batch, in the order submitted and within the
   * bounds; empty when {@link #MAX_BATCHES} run or none can be taken.
   */
  private synchronized List<Waiting> take() {
    List<Waiting> batch = new ArrayList<>();
    if (running == MAX_BATCHES) return batch;
    Set<UUID> taken = new HashSet<>();
    long chars = 0;
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext() && batch.size() < maxRecords; ) {
      Waiting w = it.next();
      UUID source = w.received().source().id();
      if (busy.contains(source)) continue; // after the records of its running batch
      long size = w.received().record().payload().length();
      if (!batch.isEmpty() && chars + size > maxChars) break;
      chars += size;
      batch.add(w);
      taken.add(source);
      it.remove();
    }
    if (!batch.isEmpty()) {
      running++;
      busy.addAll(taken);
    }
    return batch;
  }
}
