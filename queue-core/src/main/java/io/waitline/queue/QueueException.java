package io.waitline.queue;

/** A command refused; one class per {@link Refused.Kind} a command can meet. */
public abstract sealed class QueueException extends Refused {
  private QueueException(Kind kind, String message) {
    super(kind, message);
  }

  public static final class NotFound extends QueueException {
    public NotFound(String message) {
      super(Kind.NOT_FOUND, message);
    }
  }

  public static final class Conflict extends QueueException {
    public Conflict(String message) {
      super(Kind.CONFLICT, message);
    }
  }

  public static final class Invalid extends QueueException {
    public Invalid(String message) {
      super(Kind.INVALID, message);
    }
  }

  /** A patient link that was valid once but is no more: its day is over, or its visit has ended. */
  public static final class Gone extends QueueException {
    /** Why the link no longer works. */
    public enum Reason { LINK_EXPIRED, VISIT_ENDED }

    public Gone(Reason reason, String message) {
      super(reason == Reason.LINK_EXPIRED ? Kind.LINK_EXPIRED : Kind.VISIT_ENDED, message);
    }
  }
}
