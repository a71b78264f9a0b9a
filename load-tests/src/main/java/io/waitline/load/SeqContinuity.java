package io.waitline.load;

/**
 * Checks that a queue feed delivers every event exactly once in seq order after its snapshot: a jump forward is
 * events lost, a seq at or below the last one is a duplicate or reordering. A snapshot in the middle (the server's
 * resync) starts afresh from its seq and is counted.
 */
final class SeqContinuity {
  private long last = -1;
  private long delivered;
  private long lost;
  private long duplicates;
  private long resyncs;

  /** A snapshot at {@code seq}: the first starts the feed, any later one is a resync. */
  synchronized void snapshot(long seq) {
    if (last >= 0) resyncs++;
    last = seq;
  }

  synchronized void event(long seq) {
    if (last < 0) throw new IllegalStateException("event " + seq + " before any snapshot");
    if (seq <= last) {
      duplicates++;
      return;
    }
    lost += seq - last - 1;
    delivered++;
    last = seq;
  }

  synchronized long last() {
    return last;
  }

  synchronized long delivered() {
    return delivered;
  }

  synchronized long lost() {
    return lost;
  }

  synchronized long duplicates() {
    return duplicates;
  }

  synchronized long resyncs() {
    return resyncs;
  }
}
