package io.waitline.insights;

/**
 * A queue today, now.
 *
 * @param longestWaitSeconds how long the patient waiting longest has waited since joining the line; null when
 *     nobody waits
 * @param callsLastHour first calls in the last hour (recalls are not counted)
 * @param pastMaxWait patients waiting longer than the queue's maximum wait
 */
public record LiveQueue(String queueId, String name, int staffOnDuty, int maxWaitMinutes, long waitingNow,
    Long longestWaitSeconds, long callsLastHour, long pastMaxWait) {}
