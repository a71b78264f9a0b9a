package io.waitline.notify;

import io.waitline.queue.Refused;

/** A notifications request, or a provider's callback, refused; see {@link Refused}. */
public final class NotificationException extends Refused {
  public NotificationException(Kind kind, String message) {
    super(kind, message);
  }
}
