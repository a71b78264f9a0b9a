package io.waitline.sync.hl7;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.event.PgNotifyRelay;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HL7 v2 sources naming each sending facility (MSH-4), as the MLLP listener routes by it: read from the database
 * once, then kept. A change to any source forgets them on every node: the node that made it sends a NOTIFY on
 * {@value #CHANNEL} after its commit, which each node (itself included) hears through its {@link PgNotifyRelay}. A
 * notice lost while a node's LISTEN connection was down is made up for by {@link #TTL}.
 */
public final class Hl7Sources {
  /** The NOTIFY channel; the payload is the changed source's id. */
  public static final String CHANNEL = "waitline_sync_sources";
  /** The longest a facility's sources are kept, whatever was heard. */
  static final Duration TTL = Duration.ofSeconds(30);
  /** The most facilities kept; past it, all are forgotten (facilities come from the network). */
  static final int MAX_FACILITIES = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Hl7Sources.class);

  private final Pool pool;
  private final SyncStore store;
  private final Function<SyncStore.StoredSource, Source> open;
  private final Clock clock;
  private final Map<String, Kept> byFacility = new ConcurrentHashMap<>();

  private record Kept(List<Source> sources, Instant readAt) {}

  /** @param open a stored source as the pipeline takes it (secrets opened) */
  public Hl7Sources(Pool pool, SyncStore store, Function<SyncStore.StoredSource, Source> open, Clock clock) {
    this.pool = pool;
    this.store = store;
    this.open = open;
    this.clock = clock;
  }

  /** The HL7 v2 sources naming {@code facility}, enabled or not (none, one, or several when misconfigured). */
  public Future<List<Source>> of(String facility) {
    Instant now = clock.instant();
    Kept kept = byFacility.get(facility);
    if (kept != null && now.isBefore(kept.readAt().plus(TTL))) return Future.succeededFuture(kept.sources());
    return store.hl7Sources(pool, Hl7Kind.KIND, facility).map(rows -> {
      List<Source> sources = rows.stream().map(open).toList();
      // an unknown facility is not kept: only sources that exist are, so senders cannot fill the map
      if (!sources.isEmpty()) {
        if (byFacility.size() >= MAX_FACILITIES) byFacility.clear();
        byFacility.put(facility, new Kept(sources, now));
      }
      return sources;
    });
  }

  /** Hears the other nodes' (and this node's) notices that sources changed; completes once listening. */
  public Future<Void> listen(PgNotifyRelay relay) {
    return relay.listen(CHANNEL, sourceId -> byFacility.clear());
  }

  /**
   * A source was created, changed or deleted (and committed): forgets what this node kept at once, and tells every
   * node to forget theirs.
   */
  public Future<Void> changed(UUID sourceId) {
    byFacility.clear();
    return pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, sourceId.toString()))
        .<Void>mapEmpty().onFailure(err -> LOG.warn("Could not tell the other nodes that source {} changed (they see"
            + " it within {} s): {}", sourceId, TTL.toSeconds(), err.getMessage()));
  }
}
