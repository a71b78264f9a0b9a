package io.waitline.notify.channel;

import java.util.List;

/** Why a channel did not deliver. The subclass decides what happens next. */
public abstract sealed class ChannelException extends RuntimeException
    permits ChannelException.Transient, ChannelException.Rejected, ChannelException.RecipientUnavailable,
    ChannelException.Unknown {

  ChannelException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** Not delivered, and the provider may accept it later: retried with backoff, counts against the breaker. */
  public static non-sealed class Transient extends ChannelException {
    public Transient(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The breaker is open, the bulkhead full or the rate limit reached: not tried at all. */
  public static final class NotPermitted extends Transient {
    public NotPermitted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * This person cannot be reached on this channel (invalid number, unsubscribed, every device token dead): not
   * retried on this channel, and not the provider's fault, so the breaker ignores it.
   */
  public static final class Rejected extends ChannelException {
    private final List<String> deadAddresses;
    private final boolean optedOut;

    public Rejected(String message, List<String> deadAddresses, boolean optedOut) {
      super(message, null);
      this.deadAddresses = deadAddresses == null ? List.of() : List.copyOf(deadAddresses);
      this.optedOut = optedOut;
    }

    public List<String> deadAddresses() {
      return deadAddresses;
    }

    /** The provider says the recipient opted out (e.g. Twilio error 21610 after STOP). */
    public boolean optedOut() {
      return optedOut;
    }
  }

  /**
   * This person cannot be reached on this channel for now (a mailbox full or greylisted, an answer about the
   * recipient that may change): not sent, tried again later, and not the provider's fault, so the breaker ignores it
   * and it is not retried at once.
   */
  public static final class RecipientUnavailable extends ChannelException {
    public RecipientUnavailable(String message) {
      super(message, null);
    }
  }

  /**
   * The request may or may not have been accepted (a timeout, a connection lost after the request was written).
   * Never retried blindly: the provider's status is checked first where it has one.
   */
  public static final class Unknown extends ChannelException {
    public Unknown(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
