package io.waitline.notify.store;

import io.vertx.core.json.JsonObject;
import io.waitline.notify.Channel;
import io.waitline.notify.Kind;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A stored intent as a worker claimed it (or as staff see it).
 *
 * @param previousState the state before this claim: {@code sending} means an earlier worker's lease ran out
 * @param sendNow staff asked for it now: quiet hours do not hold it
 */
public record IntentRow(UUID id, String key, Kind kind, Long eventId, UUID entryId, String siteId, String queueId,
    String ticket, boolean urgent, JsonObject params, String state, String previousState, Channel channel,
    String providerRef, Set<Channel> excluded, int rounds, int claims, Instant nextAttemptAt, String lastError,
    Instant createdAt, Instant updatedAt, Instant sentAt, Instant deliveredAt, boolean sendNow) {}
