package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.CONFLICT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.Site;
import io.waitline.queue.command.QueueCommands;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.pipeline.Pipeline;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceFailure;
import io.waitline.sync.source.SourceKind;
import io.waitline.sync.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sync of a source: holds the source's lease (one poller per source across nodes), reads changed records
 * page by page, applies each through the pipeline, and advances the watermark only after a page's records are
 * committed. A full read also finds appointments the source no longer has.
 */
final class SourcePoller {
  private static final Logger LOG = LoggerFactory.getLogger(SourcePoller.class);

  private final Pool pool;
  private final QueueCommands commands;
  private final SyncStore store;
  private final Pipeline pipeline;
  private final Map<String, SourceKind> kinds;
  private final Clock clock;
  private final String node;
  private final Duration lease;
  private final SyncMetrics metrics;
  private final Map<java.util.UUID, Future<SyncReport>> running = new ConcurrentHashMap<>();

  SourcePoller(Pool pool, QueueCommands commands, SyncStore store, Pipeline pipeline, Map<String, SourceKind> kinds,
      Clock clock, String node, Duration lease, SyncMetrics metrics) {
    this.pool = pool;
    this.commands = commands;
    this.store = store;
    this.pipeline = pipeline;
    this.kinds = kinds;
    this.clock = clock;
    this.node = node;
    this.lease = lease;
    this.metrics = metrics;
  }

  /**
   * Syncs the source now, unless another node holds its lease. A sync already running on this node is joined, not
   * started twice.
   *
   * @return the report, or a failed future with a {@link SourceFailure} (the source) or a {@code CONFLICT}
   *     {@link SyncException} (another node polls it)
   */
  Future<SyncReport> run(Source source, boolean full) {
    Future<SyncReport> current = running.get(source.id());
    if (current != null) return current;
    Future<SyncReport> run = takeLease(source).compose(held -> {
      if (!held) {
        return Future.<SyncReport>failedFuture(new SyncException(CONFLICT, "Another Waitline node is syncing source "
            + source.name() + " right now; its results will show here shortly."));
      }
      // the lease marks a run in progress: released at its end, it expires on its own if this node dies
      return pass(source, full).eventually(() -> releaseLease(source));
    });
    running.put(source.id(), run);
    return run.onComplete(ar -> running.remove(source.id()));
  }

  /** Whether this node may poll the source: takes or renews the lease. */
  private Future<Boolean> takeLease(Source source) {
    Instant now = clock.instant();
    return store.tryLease(pool, source.id(), node, now, now.plus(lease));
  }

  private Future<Void> releaseLease(Source source) {
    return store.releaseLease(pool, source.id(), node);
  }

  private Future<SyncReport> pass(Source source, boolean fullRequested) {
    SourceKind kind = kinds.get(source.kind());
    Instant started = clock.instant();
    SyncReport.Tally tally = new SyncReport.Tally();
    Set<String> seen = new HashSet<>();
    return store.recordAttempt(pool, source.id(), started)
        .compose(v -> store.state(pool, source.id()))
        .compose(state -> commands.site(source.siteId()).compose(site -> {
          boolean full = fullRequested || state.watermark() == null;
          LocalDate from = LocalDate.ofInstant(started, site.zone());
          LocalDate until = from.plusDays(source.schedule().daysAhead());
          Instant since = full ? null : state.watermark().minus(source.schedule().skew());
          return kind.poll(source, since, from, until, (records, reader, watermark) -> {
            tally.pages++;
            return renewLease(source)
                .compose(v -> applyAll(source, reader, records, tally, seen))
                .compose(v -> watermark == null ? Future.succeededFuture()
                    : store.advanceWatermark(pool, source.id(), watermark));
          }).compose(v -> full ? removeMissing(source, site, from, until, seen, tally) : Future.succeededFuture())
              .map(full);
        }))
        .compose(full -> store.recordSuccess(pool, source.id(), clock.instant(), full).map(full))
        .map(full -> new SyncReport(full, tally.pages, tally.outcomes, started, clock.instant()))
        .onSuccess(r -> metrics.synced(source, r))
        .recover(err -> {
          String sentence = err instanceof SourceFailure || err instanceof SyncException ? err.getMessage()
              : "The sync stopped on an internal error; the log has the details.";
          if (!(err instanceof SourceFailure)) LOG.warn("sync of {} failed", source, err);
          else LOG.info("sync of {} failed: {}", source, sentence);
          metrics.failed(source);
          // a paused source was not called: the failure that paused it stays the one its health names
          boolean paused = err instanceof SourceFailure f && f.isPaused();
          return store.recordError(pool, source.id(), clock.instant(), sentence, paused)
              .compose(v -> Future.failedFuture(err));
        });
  }

  private Future<Void> renewLease(Source source) {
    return takeLease(source).compose(held -> held ? Future.succeededFuture()
        : Future.failedFuture(new SyncException(CONFLICT, "This node lost the lease of source " + source.name()
            + " to another node mid-sync; that node carries on.")));
  }

  /** The page's records in batches (a dead letter never stops the records after it). */
  private Future<Void> applyAll(Source source, RecordReader reader, List<ReceivedRecord> records,
      SyncReport.Tally tally, Set<String> seen) {
    records.forEach(r -> seen.add(r.externalId()));
    return pipeline.receiveAll(source, records, reader).map(results -> {
      results.forEach(result -> {
        tally.add(result.outcome());
        metrics.record(source, result.outcome());
      });
      return null;
    });
  }

  /** After a full read: appointments of the window the source no longer lists were deleted there. */
  private Future<Void> removeMissing(Source source, Site site, LocalDate from, LocalDate until, Set<String> seen,
      SyncReport.Tally tally) {
    Instant start = from.atStartOfDay(site.zone()).toInstant();
    Instant end = until.atStartOfDay(site.zone()).toInstant();
    return store.liveAppointmentsBetween(pool, source.id(), start, end).compose(ids -> {
      Future<Void> f = Future.succeededFuture();
      for (String id : ids) {
        if (seen.contains(id)) continue;
        f = f.compose(v -> pipeline.deleted(source, id).map(r -> {
          tally.add(r.outcome());
          metrics.record(source, r.outcome());
          return null;
        }));
      }
      return f;
    });
  }
}
