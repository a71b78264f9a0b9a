package io.waitline.queue.event;

/**
 * An event with its position in the whole event log: increasing across all queues in the order the events were
 * written (not necessarily committed), for consumers that keep a checkpoint.
 */
public record LoggedEvent(long position, QueueEvent event) {}
