package io.waitline.sync;

import io.waitline.sync.source.SourceResilience;
import java.time.Duration;

/**
 * Run-time settings of pms-sync. Production defaults below; tests shorten them.
 *
 * @param lease how long a node's polling lease lasts without renewal: the bound on how long a source goes unpolled
 *     after its node dies
 * @param tick how often each node looks for sources that are due
 * @param pageSize {@code _count} of each search page
 * @param workers threads for blocking source clients (HAPI's FHIR client)
 * @param publishResults whether each record's result is recorded for a Kafka relay ({@link SyncService#RESULTS}); off
 *     (nothing recorded) unless the deployment publishes to Kafka
 */
public record SyncSettings(SourceResilience resilience, Duration lease, Duration tick, int pageSize, int workers,
    boolean publishResults) {
  public static SyncSettings defaults() {
    return new SyncSettings(SourceResilience.defaults(), Duration.ofSeconds(30), Duration.ofSeconds(1), 500, 4, false);
  }

  /** The same settings, recording results for Kafka or not. */
  public SyncSettings publishingResults(boolean publish) {
    return new SyncSettings(resilience, lease, tick, pageSize, workers, publish);
  }
}
