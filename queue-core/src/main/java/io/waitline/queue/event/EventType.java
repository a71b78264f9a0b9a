package io.waitline.queue.event;

/** The kinds of queue events; the wire name is the lower-case constant. */
public enum EventType {
  EXPECTED, CHECKED_IN, CALLED, RECALLED, SERVICE_STARTED, COMPLETED, NO_SHOW, REQUEUED, TRANSFERRED_OUT,
  TRANSFERRED_IN, LEFT, CANCELLED, RUNNING_LATE, UNDONE, PAUSED, RESUMED, STAFF_CHANGED, REORDERED;

  public String wire() {
    return name().toLowerCase();
  }
}
