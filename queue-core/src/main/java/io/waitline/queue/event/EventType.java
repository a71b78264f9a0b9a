package io.waitline.queue.event;

import java.util.Locale;

/** The kinds of queue events; the wire name (also what {@code queue_event.type} holds) is the lower-case constant. */
public enum EventType {
  EXPECTED, CHECKED_IN, CALLED, RECALLED, SERVICE_STARTED, COMPLETED, NO_SHOW, REQUEUED, TRANSFERRED_OUT,
  TRANSFERRED_IN, LEFT, CANCELLED, RUNNING_LATE, UNDONE, PAUSED, RESUMED, STAFF_CHANGED, REORDERED, ROTA_CHANGED;

  /** The lower-case name, in every default locale (a Turkish one would lower {@code I} to a dotless {@code ı}). */
  private final String wire = name().toLowerCase(Locale.ROOT);

  public String wire() {
    return wire;
  }

  /** The type of a stored or transmitted event; fails for a name no version of Waitline wrote. */
  public static EventType fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
