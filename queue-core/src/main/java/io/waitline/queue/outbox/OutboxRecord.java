package io.waitline.queue.outbox;

import io.vertx.core.json.JsonObject;
import io.waitline.queue.event.LogCursor;

/**
 * One record of an {@link Outbox} as it is published.
 *
 * @param cursor the reader's cursor just after it
 * @param key the Kafka record key (records of one key keep their order)
 * @param value the CloudEvents envelope
 */
public record OutboxRecord(LogCursor cursor, String key, JsonObject value) {}
