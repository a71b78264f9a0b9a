package io.waitline.notify.store;

import io.waitline.notify.Channel;
import java.time.Instant;
import java.util.UUID;

/** One try of an intent on a channel; {@code outcome} is null while (or if forever) in flight. */
public record AttemptRow(long id, UUID intentId, Channel channel, String worker, Instant startedAt, String outcome,
    String recipient, String fingerprint, String providerRef) {}
