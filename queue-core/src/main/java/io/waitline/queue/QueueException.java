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

  /** A patient link that was valid once but is no more (visit ended, day over). */
  public static final class Gone extends QueueException {
    public Gone(String message) {
      super(message);
    }
  }
}
