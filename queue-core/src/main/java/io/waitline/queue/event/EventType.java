package io.waitline.queue.event;

/** The kinds of queue events; the wire name (also what {@code queue_event.type} holds) is the lower-case constant. */
public enum EventType {
  EXPECTED, CHECKED_IN, CALLED, RECALLED, SERVICE_STARTED, COMPLETED, NO_SHOW, REQUEUED, TRANSFERRED_OUT,
  TRANSFERRED_IN, LEFT, CANCELLED, RUNNING_LATE, UNDONE, PAUSED, RESUMED, STAFF_CHANGED, REORDERED, ROTA_CHANGED;

  public String wire() {
    return name().toLowerCase();
  }

  /** The type of a stored or transmitted event; fails for a name no version of Waitline wrote. */
  public static EventType fromWire(String wire) {
    return valueOf(wire.toUpperCase());
  }
}
