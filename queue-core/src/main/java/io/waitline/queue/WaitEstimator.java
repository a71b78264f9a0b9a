package io.waitline.queue;

import java.util.Map;
import java.util.UUID;

/** Estimates how long each waiting entry will wait. Pluggable so better models can be measured against v1. */
public interface WaitEstimator {

  /**
   * @param day what the server knows about the queue now, its waiting entries in service order
   * @return an estimate per waiting entry id, empty when no estimate can honestly be given
   */
  Map<UUID, WaitEstimate> estimate(QueueDay day);
}
