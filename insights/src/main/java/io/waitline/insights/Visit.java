package io.waitline.insights;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One visit as exported: its timestamps and outcome, with the ticket but no patient detail.
 *
 * @param waitSeconds from arrival to first call; null when not both happened
 */
public record Visit(LocalDate day, String queueId, String ticket, String priority, String source, Instant arrivedAt,
    Instant firstCalledAt, Long waitSeconds, Instant serviceStartedAt, Integer serviceSeconds, long recalls,
    boolean transferredIn, String outcome) {}
