package io.waitline.queue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Where an entry stands in its visit; {@link #canMoveTo} is the whole state machine. */
public enum Status {
  EXPECTED, WAITING, CALLED, IN_SERVICE, COMPLETED, NO_SHOW, CANCELLED, LEFT, TRANSFERRED;

  /** The lower-case name, in every default locale (a Turkish one would lower {@code I} to a dotless {@code ı}). */
  private final String wire = name().toLowerCase(Locale.ROOT);

  /** Statuses after which the visit in this queue is over. */
  public static final Set<Status> ENDED = EnumSet.of(COMPLETED, CANCELLED, LEFT, TRANSFERRED);

  public boolean isEnded() {
    return ENDED.contains(this);
  }

  /** The forward transitions staff and patients may make (undo is handled separately). */
  public boolean canMoveTo(Status target) {
    return switch (this) {
      case EXPECTED -> target == WAITING || target == NO_SHOW || target == CANCELLED;
      case WAITING -> target == CALLED || target == LEFT || target == CANCELLED || target == TRANSFERRED;
      case CALLED -> target == CALLED || target == IN_SERVICE || target == WAITING || target == NO_SHOW
          || target == LEFT || target == TRANSFERRED;
      case IN_SERVICE -> target == COMPLETED || target == WAITING || target == TRANSFERRED;
      case NO_SHOW -> target == WAITING || target == CANCELLED;
      case COMPLETED, CANCELLED, LEFT, TRANSFERRED -> false;
    };
  }

  /** Lower-case wire name, e.g. {@code in_service}. */
  public String wire() {
    return wire;
  }

  public static Status fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
