package io.waitline.queue;

import java.time.Instant;

/**
 * One recorded status change of an entry, as staff see it in the entry's history.
 *
 * @param from null for the entry's creation
 * @param calledTo the desk or room after the change, if any
 * @param reason why, when the change says more than its statuses (e.g. {@code undo}, {@code to lab})
 */
public record HistoryStep(Status from, Status to, String calledTo, Instant at, String actor, String reason) {}
