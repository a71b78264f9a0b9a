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
import io.waitline.queue.event.LoggedEvent;
import io.waitline.queue.event.QueueEventPayload;
import java.time.Clock;
import java.time.Duration;
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
 * events after it in id order, store the intents they mean, move the checkpoint. A crash anywhere leaves either
 * everything or nothing, and re-reading an event only meets keys that already exist.
 *
 * <p>Ids are taken when a transaction inserts its event, not when it commits, so a missing id can be a command
 * still in flight. The reader stops before such a gap until no transaction is writing the log (then the id was
 * rolled back and will never appear) or the gap is older than {@code gapGrace}.
 */
public final class OutboxReader {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxReader.class);

  private final Pool pool;
  private final EventLog log;
  private final NotifyStore store;
  private final QueueRules defaults;
  private final Clock clock;
  private final int batch;
  private final Duration gapGrace;
  private final Map<Long, Instant> gapsSeen = new HashMap<>();

  public OutboxReader(Pool pool, EventLog log, NotifyStore store, QueueRules defaults, Clock clock, int batch,
      Duration gapGrace) {
    this.pool = pool;
    this.log = log;
    this.store = store;
    this.defaults = defaults;
    this.clock = clock;
    this.batch = batch;
    this.gapGrace = gapGrace;
  }

  /** Reads one batch; the number of events consumed (0 when caught up). */
  public Future<Integer> poll() {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.lockCheckpoint(c).compose(checkpoint -> {
      if (checkpoint == null) {
        return log.end(c).compose(end -> store.createCheckpoint(c, end, now))
            .compose(v -> store.checkpoint(c)).map(at -> {
          LOG.info("Notifications start reading queue events after id {}", at);
          return 0;
        });
      }
      return log.after(c, checkpoint, batch)
          .compose(events -> consumable(c, checkpoint, events))
          .compose(events -> events.isEmpty() ? Future.succeededFuture(0) : consume(c, events, now));
    }));
  }

  /** The events that can be consumed now: in id order, not past a gap that may still be filled. */
  private Future<List<LoggedEvent>> consumable(SqlConnection c, long checkpoint, List<LoggedEvent> events) {
    gapsSeen.keySet().removeIf(id -> id <= checkpoint);
    int contiguous = 0;
    long expected = checkpoint + 1;
    while (contiguous < events.size() && events.get(contiguous).position() == expected) {
      contiguous++;
      expected++;
    }
    if (contiguous == events.size()) return Future.succeededFuture(events);
    long gap = expected;
    Instant firstSeen = gapsSeen.computeIfAbsent(gap, g -> clock.instant());
    boolean old = Duration.between(firstSeen, clock.instant()).compareTo(gapGrace) >= 0;
    int upTo = contiguous;
    return log.writersInFlight(c).map(writers -> {
      if (!writers || old) {
        if (old && writers) LOG.warn("Queue event ids from {} missing for {}; reading on", gap, gapGrace);
        gapsSeen.clear();
        return events;
      }
      return events.subList(0, upTo);
    });
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
      long last = events.get(events.size() - 1).position();
      return store.insertIntents(c, drafts, now)
          .compose(n -> store.saveBaselines(c, changed, now)
              .compose(v -> store.advanceCheckpoint(c, last, now))
              .map(v -> {
                if (n > 0) LOG.debug("{} queue events up to id {}: {} new notification intents", events.size(), last, n);
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
