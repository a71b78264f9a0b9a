package io.waitline.sync;

/** A sync request refused for a reason a person can act on; the message is that person's sentence. */
public abstract sealed class SyncException extends RuntimeException {
  protected SyncException(String message) {
    super(message, null, false, false);
  }

  /** A source, dead letter or review that does not exist (or belongs to no site the caller can see). */
  public static final class NotFound extends SyncException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** A request without the right secret (e.g. a subscription notification). */
  public static final class Forbidden extends SyncException {
    public Forbidden(String message) {
      super(message);
    }
  }

  /** A source definition or request that makes no sense. */
  public static final class Invalid extends SyncException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** The request is valid but the current state forbids it (e.g. a review already resolved). */
  public static final class Conflict extends SyncException {
    public Conflict(String message) {
      super(message);
    }
  }
}
