package io.waitline.queue;

/** A command refused for a reason a person can act on; the message is that person's sentence. */
public abstract sealed class QueueException extends RuntimeException {
  protected QueueException(String message) {
    super(message, null, false, false);
  }

  /** Something named in the request does not exist. */
  public static final class NotFound extends QueueException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The request is valid but the current state forbids it (e.g. an illegal transition). */
  public static final class Conflict extends QueueException {
    public Conflict(String message) {
      super(message);
    }
  }

  /** The request itself makes no sense (e.g. transfer to the same queue). */
  public static final class Invalid extends QueueException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** A patient link that was valid once but is no more: its day is over, or its visit has ended. */
  public static final class Gone extends QueueException {
    /** Why the link no longer works; clients tell the patient apart by this, never by the sentence. */
    public enum Reason { LINK_EXPIRED, VISIT_ENDED }

    private final Reason reason;

    public Gone(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }
}
