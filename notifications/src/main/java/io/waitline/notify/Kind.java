package io.waitline.notify;

import io.waitline.queue.Status;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of messages. Each says whether it is urgent (never held for quiet hours), its default channel order,
 * who receives it, and while which status of the visit it still makes sense to send.
 */
public enum Kind {
  /** "You are checked in, here is your link": the link is the point, so SMS first. */
  CHECKED_IN("checked_in", false, Audience.PATIENT, Status.WAITING,
      List.of(Channel.SMS, Channel.EMAIL, Channel.PUSH, Channel.WEB_PUSH)),
  /** "You are now N-th in line". */
  POSITION_REACHED("position_reached", false, Audience.PATIENT, Status.WAITING, Defaults.PATIENT),
  /** "Please go to Room 3 now." Never held, never batched. */
  CALLED("called", true, Audience.PATIENT, Status.CALLED, Defaults.PATIENT),
  /** "Your wait has grown to 40–55 min." */
  DELAYED("delayed", false, Audience.PATIENT, Status.WAITING, Defaults.PATIENT),
  /** "You have been moved to another line; your new ticket is B-004." */
  TRANSFERRED("transferred", false, Audience.PATIENT, Status.WAITING, Defaults.PATIENT),
  /** "Calls are paused for a moment; you keep your place." */
  QUEUE_PAUSED("queue_paused", false, Audience.PATIENT, Status.WAITING, Defaults.PATIENT),
  /** To staff: a patient has waited past the queue's threshold. */
  LONG_WAIT("long_wait", false, Audience.STAFF, Status.WAITING, List.of(Channel.EMAIL, Channel.SMS)),
  /** "Paid €20.00 by Visa ending 4242; your receipt: …". Still true after the visit ends: any status. */
  RECEIPT("receipt", false, Audience.PATIENT, null, List.of(Channel.EMAIL, Channel.SMS));

  /** Who a kind of message is for. */
  public enum Audience {
    PATIENT, STAFF;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String wire;
  private final boolean urgent;
  private final Audience audience;
  private final Status relevantWhile;
  private final List<Channel> defaultChain;

  Kind(String wire, boolean urgent, Audience audience, Status relevantWhile, List<Channel> defaultChain) {
    this.wire = wire;
    this.urgent = urgent;
    this.audience = audience;
    this.relevantWhile = relevantWhile;
    this.defaultChain = defaultChain;
  }

  public String wire() {
    return wire;
  }

  public boolean urgent() {
    return urgent;
  }

  public Audience audience() {
    return audience;
  }

  public List<Channel> defaultChain() {
    return defaultChain;
  }

  /**
   * A message is sent only while the visit is in the status it talks about; otherwise it is out of date. A kind
   * without such a status (a receipt) is always relevant.
   */
  public boolean relevantFor(Status current) {
    return relevantWhile == null || current == relevantWhile;
  }

  public static Kind fromWire(String s) {
    for (Kind k : values()) {
      if (k.wire.equals(s)) return k;
    }
    throw new IllegalArgumentException("unknown message kind '" + s + "'");
  }

  private static final class Defaults {
    static final List<Channel> PATIENT = List.of(Channel.PUSH, Channel.WEB_PUSH, Channel.SMS, Channel.EMAIL);
  }
}
