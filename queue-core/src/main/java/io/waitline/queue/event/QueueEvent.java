package io.waitline.queue.event;

import java.time.Instant;

/**
 * One committed change to one queue: the row of the queue event log. {@code seq} is gap-free per queue; the payload
 * says what changed ({@link QueueEventPayload}).
 */
public record QueueEvent(String queueId, String siteId, long seq, EventType type, QueueEventPayload payload,
    Instant at) {}
