package io.waitline.notify;

import java.util.List;

/**
 * A queue's notification settings.
 *
 * @param positionAlerts "tell me when I'm N-th" thresholds, e.g. [3, 1]
 * @param delayMinutes how much a patient's estimate must grow before they are told
 * @param longWaitMinutes staff are alerted when a patient waits longer than this
 */
public record QueueRules(List<Integer> positionAlerts, int delayMinutes, int longWaitMinutes) {
  public QueueRules {
    positionAlerts = positionAlerts.stream().filter(n -> n > 0).distinct().sorted().toList();
    if (delayMinutes <= 0) throw new IllegalArgumentException("delayMinutes must be positive");
    if (longWaitMinutes <= 0) throw new IllegalArgumentException("longWaitMinutes must be positive");
  }
}
