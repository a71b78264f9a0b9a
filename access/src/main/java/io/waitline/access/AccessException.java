package io.waitline.access;

/**
 * A refusal the caller should show as it is: what kind of refusal it is ({@link Refusal}; the edge maps it to its
 * protocol), a short problem {@code type} slug and a sentence a person understands (the message).
 */
public final class AccessException extends RuntimeException {
  /** Why the request is refused. */
  public enum Refusal {
    /** The request itself is not acceptable, e.g. a short password. */
    INVALID,
    /** No credential, or one that is not valid. */
    UNAUTHENTICATED,
    /** A valid credential that does not allow this. */
    FORBIDDEN,
    NOT_FOUND,
    /** Not possible in the present state, e.g. a username that is taken. */
    CONFLICT,
    /** Was valid once and is no more, e.g. a used pairing code. */
    GONE,
    /** The account is locked for a while after failed sign-ins. */
    LOCKED
  }

  private final Refusal refusal;
  private final String type;

  public AccessException(Refusal refusal, String type, String sentence) {
    super(sentence, null, false, false);
    this.refusal = refusal;
    this.type = type;
  }

  public Refusal refusal() {
    return refusal;
  }

  public String type() {
    return type;
  }
}
