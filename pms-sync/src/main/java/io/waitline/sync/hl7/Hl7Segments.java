package io.waitline.sync.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.util.ReadOnlyMessageIterator;
import ca.uhn.hl7v2.util.Terser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A parsed message's populated segments, found once, and the fields Waitline reads from them by number: a {@link
 * Terser} path parsed and the message walked again for every field read cost more than HAPI's parse itself.
 */
public final class Hl7Segments {
  private final Message message;
  private final List<Segment> all = new ArrayList<>();
  private final Map<String, Segment> first = new HashMap<>();

  /** Walks the message once; CPU work, so off the event loop. */
  public Hl7Segments(Message message) {
    this.message = message;
    for (Iterator<Structure> it = ReadOnlyMessageIterator.createPopulatedSegmentIterator(message); it.hasNext(); ) {
      Segment s = (Segment) it.next();
      all.add(s);
      first.putIfAbsent(s.getName(), s);
    }
  }

  public Message message() {
    return message;
  }

  /** The populated segments in message order. */
  List<Segment> all() {
    return all;
  }

  /** Component 1 of the first repetition of field {@code field} of the first segment {@code name} (see {@link #get}). */
  String get(String name, int field) {
    return get(name, field, 0, 1);
  }

  /**
   * Of the first populated segment named {@code name}: the component of the field's repetition (rep from 0, the
   * others from 1), first subcomponent; null when absent, blank or HL7's explicit null {@code ""}.
   */
  String get(String name, int field, int rep, int component) {
    return get(name, field, rep, component, 1);
  }

  /** {@link #get} of a subcomponent. */
  String get(String name, int field, int rep, int component, int subcomponent) {
    Segment s = first.get(name);
    return s == null ? null : value(s, field, rep, component, subcomponent);
  }

  /**
   * How many repetitions field {@code field} of the first segment {@code name} has (0 when absent): reading one past
   * them would make HAPI add it to the message.
   */
  int repetitions(String name, int field) {
    Segment s = first.get(name);
    try {
      return s == null ? 0 : s.getField(field).length;
    } catch (HL7Exception | RuntimeException e) {
      return 0;
    }
  }

  /** {@link #get} of one segment. */
  static String value(Segment s, int field, int rep, int component, int subcomponent) {
    try {
      String v = Terser.get(s, field, rep, component, subcomponent);
      return v == null || v.isBlank() || v.equals("\"\"") ? null : v.trim();
    } catch (HL7Exception | RuntimeException e) {
      return null;
    }
  }
}
