package io.waitline.queue;

import java.time.Duration;

/**
 * How a queue orders its waiting patients.
 *
 * @param appointmentGrace how late a patient may arrive and still be ordered by appointment time
 * @param maxWait after this long waiting, a non-urgent patient is promoted ahead of other non-urgent patients
 * @param transferPolicy what a transferred-in patient keeps
 */
public record OrderingRule(Duration appointmentGrace, Duration maxWait, TransferPolicy transferPolicy) {
  public static final OrderingRule DEFAULT =
      new OrderingRule(Duration.ofMinutes(10), Duration.ofMinutes(90), TransferPolicy.KEEP_PLACE);

  public OrderingRule {
    if (appointmentGrace.isNegative()) throw new IllegalArgumentException("appointment grace must not be negative");
    if (maxWait.isNegative() || maxWait.isZero()) throw new IllegalArgumentException("maximum wait must be positive");
  }
}
