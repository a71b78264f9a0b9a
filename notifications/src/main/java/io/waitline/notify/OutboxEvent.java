package io.waitline.notify;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One row of queue-core's event log, addressed by its global {@code id} (the outbox position). */
public record OutboxEvent(long id, String queueId, String siteId, long seq, String type, JsonObject payload,
    Instant at) {}
