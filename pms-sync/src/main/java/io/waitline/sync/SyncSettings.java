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
 */
public record SyncSettings(SourceResilience resilience, Duration lease, Duration tick, int pageSize, int workers) {
  public static SyncSettings defaults() {
    return new SyncSettings(SourceResilience.defaults(), Duration.ofSeconds(30), Duration.ofSeconds(1), 200, 4);
  }
}
