package io.waitline.notify;

/**
 * A notifications request refused for a reason a person (or a provider's callback) can act on; the message is that
 * person's sentence. What each means on the wire is the edge's business.
 */
public abstract sealed class NotificationException extends RuntimeException {
  private NotificationException(String message) {
    super(message, null, false, false);
  }

  /** No such message. */
  public static final class NotFound extends NotificationException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The message's current state forbids the request (e.g. retrying one already sent). */
  public static final class Conflict extends NotificationException {
    public Conflict(String message) {
      super(message);
    }
  }

  /** The request makes no sense (e.g. a push subscription without keys, an unknown language). */
  public static final class Invalid extends NotificationException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** A provider's callback lacks what every callback carries (e.g. a Twilio status report without a message id). */
  public static final class MalformedCallback extends NotificationException {
    public MalformedCallback(String message) {
      super(message);
    }
  }
}
