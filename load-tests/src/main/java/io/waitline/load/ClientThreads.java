package io.waitline.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** A benchmark's client threads: they start together, repeat their step until the measured time is over, then end. */
final class ClientThreads {
  private final Feeds.Errors errors;
  private final CountDownLatch go = new CountDownLatch(1);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** @param errors where a step's uncaught failure goes (it ends that thread) */
  ClientThreads(Feeds.Errors errors) {
    this.errors = errors;
  }

  /** Adds a thread that waits for the start, then runs {@code step} again and again until the run is over. */
  void add(BenchmarkRun.Work step) {
    threads.add(BenchmarkRun.thread(errors, () -> {
      go.await();
      while (!stop.get()) step.run();
    }));
  }

  /** Starts every thread at once and lets them run for {@code seconds}; the seconds that passed until all ended. */
  double runFor(int seconds) throws InterruptedException {
    long startNanos = System.nanoTime();
    go.countDown();
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) t.join();
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
