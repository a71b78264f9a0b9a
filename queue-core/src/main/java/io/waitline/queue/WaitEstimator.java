package io.waitline.queue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Estimates how long each waiting entry will wait. Pluggable so better models can be measured against v1. */
public interface WaitEstimator {

  /**
   * @param ordered the waiting entries in service order
   * @param staffOnDuty how many staff serve this queue now; with none, no estimate is given
   * @return an estimate per entry id, empty when no estimate can honestly be given
   */
  Map<UUID, WaitEstimate> estimate(List<Entry> ordered, ServiceStats stats, int staffOnDuty);
}
