package io.waitline.notify.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.waitline.notify.IntentDraft;
import io.waitline.notify.IntentPlanner;
import io.waitline.notify.QueueRules;
import io.waitline.notify.store.NotifyStore;
import io.waitline.notify.store.QueueSettings;
import io.waitline.queue.event.EventLog;
import io.waitline.queue.event.LogCursor;
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the queue event log into notification intents. One pass is one transaction: lock the checkpoint, read the
 * events after it, store the intents they mean, move the checkpoint. A crash anywhere leaves either everything or
 * nothing, and re-reading an event only meets keys that already exist.
 *
 * <p>The checkpoint is a {@link LogCursor}: the log hands out only events of transactions older than every
 * transaction still running, in (transaction, position) order, so an event still being written always sorts after
 * the checkpoint and is never passed over, however long its transaction takes; a rolled-back one holds up no one.
 */
public final class OutboxReader {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxReader.class);

  private final Pool pool;
  private final EventLog log;
  private final NotifyStore store;
  private final QueueRules defaults;
  private final Clock clock;
  private final int batch;

  public OutboxReader(Pool pool, EventLog log, NotifyStore store, QueueRules defaults, Clock clock, int batch) {
    this.pool = pool;
    this.log = log;
    this.store = store;
    this.defaults = defaults;
    this.clock = clock;
    this.batch = batch;
  }

  /** Reads one batch; the number of events consumed (0 when caught up). */
  public Future<Integer> poll() {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.lockCheckpoint(c).compose(checkpoint -> {
      if (checkpoint == null) {
        return log.end(c).compose(end -> store.createCheckpoint(c, end, now).map(v -> {
          LOG.info("Notifications start reading queue events after transaction {}", end.xact());
          return 0;
        }));
      }
      // a checkpoint kept as a position alone (before the log recorded transactions) becomes a cursor once
      Future<LogCursor> cursor = checkpoint.xact() != null
          ? Future.succeededFuture(new LogCursor(checkpoint.xact(), checkpoint.position()))
          : log.cursorAt(c, checkpoint.position());
      return cursor.compose(from -> log.after(c, from, batch))
          .compose(events -> events.isEmpty() ? Future.succeededFuture(0) : consume(c, events, now));
    }));
  }

  private Future<Integer> consume(SqlConnection c, List<LoggedEvent> events, Instant now) {
    Set<String> queueIds = new HashSet<>();
    Set<UUID> entryIds = new HashSet<>();
    for (LoggedEvent e : events) {
      queueIds.add(e.event().queueId());
      for (QueueEventPayload.Place p : e.event().payload().lineup()) entryIds.add(p.entryId());
    }
    return store.queueSettings(c, queueIds).compose(settings -> store.baselines(c, entryIds).compose(stored -> {
      Map<UUID, Integer> baselines = new HashMap<>(stored);
      Map<UUID, Integer> changed = new HashMap<>();
      List<IntentDraft> drafts = new ArrayList<>();
      for (LoggedEvent e : events) {
        IntentPlanner.Plan plan = IntentPlanner.plan(e, rules(settings.get(e.event().queueId())), baselines);
        drafts.addAll(plan.intents());
        baselines.putAll(plan.baselines());
        changed.putAll(plan.baselines());
      }
      LogCursor last = events.get(events.size() - 1).cursor();
      return store.insertIntents(c, drafts, now)
          .compose(n -> store.saveBaselines(c, changed, now)
              .compose(v -> store.advanceCheckpoint(c, last, now))
              .map(v -> {
                if (n > 0) LOG.debug("{} queue events up to {}: {} new notification intents", events.size(), last, n);
                return events.size();
              }));
    }));
  }

  QueueRules rules(QueueSettings s) {
    if (s == null) return defaults;
    return new QueueRules(s.positionAlerts() == null ? defaults.positionAlerts() : s.positionAlerts(),
        s.delayMinutes() == null ? defaults.delayMinutes() : s.delayMinutes(),
        s.longWaitMinutes() == null ? defaults.longWaitMinutes() : s.longWaitMinutes());
  }
}
