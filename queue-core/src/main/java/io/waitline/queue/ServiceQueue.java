package io.waitline.queue;

/**
 * A service at a location (e.g. "Blood tests, Lab 1") with its ordering rule and live settings.
 *
 * @param version the seq of the last event of this queue
 */
public record ServiceQueue(
    String id,
    String siteId,
    String name,
    String ticketPrefix,
    OrderingRule rule,
    int defaultServiceSeconds,
    boolean paused,
    int staffOnDuty,
    long version) {}
