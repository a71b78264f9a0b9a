package io.waitline.access;

/**
 * A refusal the caller should show as it is: an HTTP {@code status} (400, 401, 403, 404, 409, 410, 423), a short
 * problem {@code type} slug and a sentence a person understands (the message).
 */
public final class AccessException extends RuntimeException {
  private final int status;
  private final String type;

  public AccessException(int status, String type, String sentence) {
    super(sentence, null, false, false);
    this.status = status;
    this.type = type;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }
}
