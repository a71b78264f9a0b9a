package io.waitline.pay.processor;

/** How a processor call can fail; the message is a sentence a patient or the desk can act on. */
public abstract sealed class ProcessorException extends RuntimeException {
  protected ProcessorException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** The card was declined: nothing was charged, another card may be tried. */
  public static final class Declined extends ProcessorException {
    public Declined(String sentence) {
      super(sentence, null);
    }
  }

  /**
   * The processor refused the call, or it was never sent (reader offline or busy, invalid request, circuit open):
   * nothing happened.
   */
  public static final class Refused extends ProcessorException {
    public Refused(String sentence, Throwable cause) {
      super(sentence, cause);
    }
  }

  /** No answer (timeout, dropped connection, server error): the call may or may not have taken effect. */
  public static final class Unknown extends ProcessorException {
    public Unknown(String detail, Throwable cause) {
      super(detail, cause);
    }
  }
}
