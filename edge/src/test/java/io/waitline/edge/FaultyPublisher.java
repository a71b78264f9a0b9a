package io.waitline.edge;

import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPublisher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Wraps the real publisher and misbehaves on request the ways a relay may: it loses some or all events, holds them
 * back and
 * lets them go in reverse order, or delivers them twice. Committed events stay in the event log either way.
 */
final class FaultyPublisher implements QueueEventPublisher {
  enum Mode { PASS, DROP_EVERY_OTHER, DROP_ALL, HOLD, DUPLICATE }

  private final QueueEventPublisher real;
  private Mode mode = Mode.PASS;
  private int seen;
  private final List<QueueEvent> dropped = new ArrayList<>();
  private final List<QueueEvent> held = new ArrayList<>();
  private final List<Long> published = new ArrayList<>();

  FaultyPublisher(QueueEventPublisher real) {
    this.real = real;
  }

  synchronized void mode(Mode mode) {
    this.mode = mode;
    seen = 0;
    dropped.clear();
    published.clear();
  }

  @Override
  public synchronized void publish(QueueEvent event) {
    switch (mode) {
      case PASS -> pass(event);
      case DROP_EVERY_OTHER -> {
        // the first, third, fifth... event is lost
        if (seen++ % 2 == 0) dropped.add(event); else pass(event);
      }
      case DROP_ALL -> dropped.add(event);
      case HOLD -> held.add(event);
      case DUPLICATE -> {
        pass(event);
        pass(event);
      }
    }
  }

  /** Publishes the held events, newest first. */
  synchronized void releaseReversed() {
    List<QueueEvent> batch = new ArrayList<>(held);
    held.clear();
    Collections.reverse(batch);
    batch.forEach(this::pass);
  }

  synchronized List<QueueEvent> dropped() {
    return List.copyOf(dropped);
  }

  /** The seqs this publisher handed on, in the order it handed them on. */
  synchronized List<Long> published() {
    return List.copyOf(published);
  }

  private void pass(QueueEvent event) {
    published.add(event.seq());
    real.publish(event);
  }
}
