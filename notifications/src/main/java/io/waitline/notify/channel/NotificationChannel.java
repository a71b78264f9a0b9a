package io.waitline.notify.channel;

import io.vertx.core.Future;
import io.waitline.notify.Channel;
import java.time.Instant;
import java.util.Set;

/**
 * One way of delivering messages, wrapping one provider SDK. Implementations never block the calling event loop;
 * resilience (breaker, retry, time limit, bulkhead, rate limit) is added around them by {@link ChannelGuard}.
 */
public interface NotificationChannel {
  Channel channel();

  /** The address the message goes to on this channel, recorded with the attempt before sending; null if none. */
  String address(Outgoing out);

  /** A digest that recognises this exact message at the provider later (see {@link #lookup}); null if unused. */
  default String fingerprint(Outgoing out) {
    return null;
  }

  /** Sends; fails with a {@link ChannelException} saying whether it may be retried or may have been delivered. */
  Future<Delivery> send(Outgoing out);

  /** Whether the provider can tell if a message exists ({@link #lookup}). */
  default boolean canLookUp() {
    return false;
  }

  /**
   * Asks the provider whether a message sent at {@code startedAt} to {@code address} exists, other than those in
   * {@code taken} (provider references already recorded for other messages, which may have the very same text).
   */
  default Future<Lookup> lookup(String address, String fingerprint, Instant startedAt, Set<String> taken) {
    return Future.failedFuture(new UnsupportedOperationException(channel().wire() + " has no status look-up"));
  }

  /** Whether the provider can be asked if it answers without sending anything ({@link #probe}). */
  default boolean canProbe() {
    return false;
  }

  /** Succeeds when the provider answers again; used while the channel's breaker is open. */
  default Future<Void> probe() {
    return Future.failedFuture(new UnsupportedOperationException(channel().wire() + " cannot be probed"));
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
