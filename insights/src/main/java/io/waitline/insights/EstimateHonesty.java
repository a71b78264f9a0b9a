package io.waitline.insights;

/**
 * How the waits shown at check-in compared with the waits patients had, scored as the estimator is judged
 * (estimate-bench's Scorer): over the called visits that were shown an estimate. Null figures when there is none.
 *
 * @param meanAbsErrorMinutes mean of |shown P50 − wait|, in minutes, rounded to a tenth
 * @param biasMinutes mean of (shown P50 − wait): below zero, waits were longer than shown
 * @param p90Covers share of waits no longer than the shown P90
 * @param rangeHolds share of waits inside the range patients saw (WaitEstimate's range; over 2 h when P90 was)
 */
public record EstimateHonesty(long estimates, Double meanAbsErrorMinutes, Double biasMinutes, Double p90Covers,
    Double rangeHolds) {}
