package io.waitline.sync.writeback;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceFailure;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.DueWriteBack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells FHIR sources that ask for it ({@code writeBack}) what became of their appointments, driven by the queue event
 * log: a round first turns new events into durable writes (one transaction with the reader's checkpoint, one row per
 * source, appointment and status, so nothing is lost or written twice), then sends the writes that are due. A write
 * the source could not take now (down, breaker open, time-out) waits with exponential backoff and is sent again; one
 * it refuses for good (not found, forbidden) is marked failed. The source's health shows both. Desk commands never
 * wait for any of it.
 */
public final class WriteBack {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBack.class);
  /** Events read per transaction, and writes sent per round. */
  private static final int BATCH = 200;
  private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);
  /** How long a node holds the writes it is sending before another may take them over. */
  private static final Duration CLAIM = Duration.ofMinutes(2);

  /**
   * Sets one status at a source: what happened as a sentence; fails with {@link WriteRefused} when the source refuses
   * it for good, with anything else when it may take it later.
   */
  @FunctionalInterface
  public interface Writer {
    Future<String> write(Source source, String appointmentId, AppointmentStatus status);
  }

  private final Pool pool;
  private final SyncStore store;
  private final EventLog log = new EventLog();
  private final Function<UUID, Future<Source>> sources;
  private final Writer writer;
  private final Clock clock;

  public WriteBack(Pool pool, SyncStore store, Function<UUID, Future<Source>> sources, Writer writer, Clock clock) {
    this.pool = pool;
    this.store = store;
    this.sources = sources;
    this.writer = writer;
    this.clock = clock;
  }

  /** One round: reads the events since the last round, then sends what is due. The number of writes sent. */
  public Future<Integer> round() {
    return readEvents().compose(more -> more ? round() : send());
  }

  /**
   * Turns one batch of new queue events into writes; true when there may be more. The first round of a database
   * starts at the end of the log: events from before write-back existed are not written back. While no source writes
   * back, a round moves the checkpoint to the end of the log without reading the events: every one of them would be
   * dropped anyway (as it is when a source only starts writing back after the event was read).
   */
  Future<Boolean> readEvents() {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.lockWriteBackCheckpoint(c).compose(checkpoint -> {
      if (checkpoint == null) return skipToEnd(c, now);
      return store.anyWritingBack(c).compose(any -> any ? readEvents(c, checkpoint, now) : skipToEnd(c, now));
    }));
  }

  private Future<Boolean> skipToEnd(SqlClient c, Instant now) {
    return log.end(c).compose(end -> store.saveWriteBackCheckpoint(c, end, now)).map(false);
  }

  private Future<Boolean> readEvents(SqlClient c, LogCursor checkpoint, Instant now) {
    return log.after(c, checkpoint, BATCH).compose(events -> {
      if (events.isEmpty()) return Future.succeededFuture(false);
      List<WriteBackRule.Intent> intents = events.stream().map(LoggedEvent::event).map(WriteBackRule::of)
          .flatMap(java.util.Optional::stream).toList();
      Set<UUID> asked = intents.stream().map(WriteBackRule.Intent::sourceId).collect(Collectors.toSet());
      Future<Set<UUID>> writing = asked.isEmpty() ? Future.succeededFuture(Set.of()) : store.writingBack(c, asked);
      return writing.compose(ids -> store.insertWriteBacks(c, intents.stream()
              .filter(i -> ids.contains(i.sourceId())).toList(), now))
          .compose(v -> store.saveWriteBackCheckpoint(c, events.get(events.size() - 1).cursor(), now))
          .map(events.size() == BATCH);
    });
  }

  private Future<Integer> send() {
    Instant now = clock.instant();
    return store.claimDueWriteBacks(pool, now, now.plus(CLAIM), BATCH).compose(due -> {
      Future<Void> chain = Future.succeededFuture();
      for (DueWriteBack w : due) chain = chain.compose(v -> sendOne(w));
      return chain.map(due.size());
    });
  }

  /** Sends one write and records its outcome; a failure is recorded, never passed on (the next write goes on). */
  private Future<Void> sendOne(DueWriteBack w) {
    AppointmentStatus status = AppointmentStatus.fromCode(w.status());
    return sources.apply(w.sourceId())
        .compose(source -> source.enabled() && source.writeBack() ? writer.write(source, w.appointmentId(), status)
            : Future.failedFuture(new WriteRefused("The source was disabled or set not to write back before this was"
                + " sent; it was not written.")))
        .compose(outcome -> store.settleWriteBack(pool, w.id(), "done", null, outcome, clock.instant()))
        .recover(err -> {
          Instant now = clock.instant();
          boolean known = err instanceof SourceFailure || err instanceof WriteRefused;
          if (!known) LOG.warn("Write-back {} to {} failed", w.status(), w.appointmentId(), err);
          String sentence = known ? err.getMessage()
              : "Writing " + w.status() + " to " + w.appointmentId() + " failed on Waitline's side; it will be tried again.";
          return err instanceof WriteRefused ? store.settleWriteBack(pool, w.id(), "failed", null, sentence, now)
              : store.settleWriteBack(pool, w.id(), "pending", now.plus(backoff(w.attempts())), sentence, now);
        })
        .recover(err -> {
          LOG.warn("Could not record the outcome of write-back {}: {}", w.id(), err.toString());
          return Future.succeededFuture(); // the claim runs out and the write is sent again
        });
  }

  /** 30 s after the first failed attempt, doubling, at most an hour. */
  static Duration backoff(int attempts) {
    Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 16));
    return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
  }
}
