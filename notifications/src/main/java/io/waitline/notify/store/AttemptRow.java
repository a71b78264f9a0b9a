package io.waitline.notify.store;

import io.waitline.notify.Channel;
import java.time.Instant;
import java.util.UUID;

/**
 * One try of an intent on a channel; {@code outcome} and {@code finishedAt} are null while (or if forever) in flight.
 *
 * @param detail what the provider or the channel said, if anything
 */
public record AttemptRow(long id, UUID intentId, Channel channel, String worker, Instant startedAt, Instant finishedAt,
    String outcome, String recipient, String fingerprint, String providerRef, String detail) {}
