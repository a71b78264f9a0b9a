package io.waitline.queue;

/**
 * A request refused for a reason a person can act on; the message is that person's sentence. Every module refuses
 * with this (through its own subclass), saying only what kind of refusal it is: what each kind means on the wire is
 * the edge's business, decided in one place.
 */
public abstract class Refused extends RuntimeException {
  /** What kind of refusal it is; clients tell refusals apart by this, never by the sentence. */
  public enum Kind {
    /** Something named in the request does not exist (or belongs to no site the caller can see). */
    NOT_FOUND,
    /** The request is valid but the current state forbids it (e.g. an illegal transition). */
    CONFLICT,
    /** The request itself makes no sense (e.g. transfer to the same queue). */
    INVALID,
    /** The request lacks the right secret (e.g. a subscription notification). */
    FORBIDDEN,
    /** A patient link whose day is over. */
    LINK_EXPIRED,
    /** A patient link whose visit has ended. */
    VISIT_ENDED,
    /** A provider's callback lacks what every callback carries (e.g. a Twilio status report without a message id). */
    MALFORMED_CALLBACK
  }

  private final Kind kind;

  protected Refused(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
