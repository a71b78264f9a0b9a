package io.waitline.notify.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.IntentDraft;
import io.waitline.notify.Kind;
import io.waitline.notify.QueueRules;
import io.waitline.notify.store.NotifyStore;
import io.waitline.notify.store.QueueSettings;
import io.waitline.queue.Entry;
import io.waitline.queue.read.QueueReadModel;
import io.waitline.queue.read.WaitingEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Staff alerts for patients waiting past their queue's threshold. Waiting is a state, not an event, so this scans
 * on a timer; the intent key (visit × threshold) makes each alert fire at most once per waiting patient.
 */
public final class LongWaitScanner {
  private final Pool pool;
  private final QueueReadModel queues;
  private final NotifyStore store;
  private final QueueRules defaults;
  private final Clock clock;

  public LongWaitScanner(Pool pool, QueueReadModel queues, NotifyStore store, QueueRules defaults, Clock clock) {
    this.pool = pool;
    this.queues = queues;
    this.store = store;
    this.defaults = defaults;
    this.clock = clock;
  }

  /** One scan of every queue; the number of new alerts. */
  public Future<Integer> scan() {
    Instant now = clock.instant();
    return queues.waitingToday(pool, now).compose(waiting -> {
      List<String> queueIds = waiting.stream().map(w -> w.entry().queueId()).distinct().toList();
      return store.queueSettings(pool, queueIds).compose(settings -> {
        List<IntentDraft> drafts = new ArrayList<>();
        for (WaitingEntry w : waiting) {
          Entry e = w.entry();
          int minutes = threshold(settings.get(e.queueId()), w.maxWait());
          long waited = Duration.between(e.statusSince(), now).toMinutes();
          if (waited < minutes) continue;
          drafts.add(new IntentDraft("long_wait:" + e.id() + ":" + minutes, Kind.LONG_WAIT, null, e.id(),
              w.siteId(), e.queueId(), e.ticket(), new JsonObject().put("minutes", waited), null));
        }
        return store.insertIntents(pool, drafts, now);
      });
    });
  }

  private int threshold(QueueSettings s, Duration maxWait) {
    if (s != null && s.longWaitMinutes() != null) return s.longWaitMinutes();
    return (int) Math.min(defaults.longWaitMinutes(), maxWait.toMinutes());
  }
}
