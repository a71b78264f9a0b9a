package io.waitline.queue.command;

import io.waitline.queue.Entry;
import io.waitline.queue.Lineup;
import io.waitline.queue.ServiceQueue;
import java.util.List;

/** A queue as of one seq: its settings, its live entries and the order of those waiting. */
public record QueueSnapshot(ServiceQueue queue, List<Entry> entries, Lineup lineup) {
  public long seq() {
    return queue.version();
  }
}
