package io.waitline.sync.pipeline;

import java.util.Locale;

/** What a source says about an appointment's visit, whatever its own status codes are. */
public enum Visit {
  EXPECTED, ARRIVED, CANCELLED, NO_SHOW, FULFILLED,
  /** Only the patient's details changed (an HL7 A08): the visit keeps its queue, its time and its state. */
  DETAILS;

  public String wire() {
    return this == NO_SHOW ? "noshow" : name().toLowerCase(Locale.ROOT);
  }

  public static Visit fromWire(String s) {
    return "noshow".equals(s) ? NO_SHOW : valueOf(s.toUpperCase(Locale.ROOT));
  }
}
