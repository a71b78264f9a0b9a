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
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.store.QueueStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Staff alerts for patients waiting past their queue's threshold. Waiting is a state, not an event, so this scans
 * on a timer; the intent key (visit × threshold) makes each alert fire at most once per waiting patient.
 */
public final class LongWaitScanner {
  private final Pool pool;
  private final QueueStore queues;
  private final NotifyStore store;
  private final QueueRules defaults;
  private final Clock clock;

  public LongWaitScanner(Pool pool, QueueStore queues, NotifyStore store, QueueRules defaults, Clock clock) {
    this.pool = pool;
    this.queues = queues;
    this.store = store;
    this.defaults = defaults;
    this.clock = clock;
  }

  /** One scan of every queue; the number of new alerts. */
  public Future<Integer> scan() {
    Instant now = clock.instant();
    return queues.sites(pool).compose(sites -> {
      List<Future<Integer>> perSite = new ArrayList<>();
      for (Site site : sites) {
        perSite.add(queues.queuesOfSite(pool, site.id()).compose(qs -> {
          List<Future<Integer>> perQueue = new ArrayList<>();
          for (ServiceQueue q : qs) perQueue.add(scan(q, LocalDate.ofInstant(now, site.zone()), now));
          return Future.all(perQueue).map(cf -> sum(perQueue));
        }));
      }
      return Future.all(perSite).map(cf -> sum(perSite));
    });
  }

  private Future<Integer> scan(ServiceQueue q, LocalDate today, Instant now) {
    return store.queueSettings(pool, q.id()).compose(s -> queues.activeEntries(pool, q.id(), today).compose(entries -> {
      int minutes = threshold(s, q);
      List<IntentDraft> drafts = new ArrayList<>();
      for (Entry e : entries) {
        if (e.status() != Status.WAITING) continue;
        long waited = Duration.between(e.statusSince(), now).toMinutes();
        if (waited < minutes) continue;
        drafts.add(new IntentDraft("long_wait:" + e.id() + ":" + minutes, Kind.LONG_WAIT, null, e.id(),
            q.siteId(), q.id(), e.ticket(), new JsonObject().put("minutes", waited), null));
      }
      return store.insertIntents(pool, drafts, now);
    }));
  }

  private int threshold(QueueSettings s, ServiceQueue q) {
    if (s != null && s.longWaitMinutes() != null) return s.longWaitMinutes();
    return (int) Math.min(defaults.longWaitMinutes(), q.rule().maxWait().toMinutes());
  }

  private static int sum(List<Future<Integer>> fs) {
    return fs.stream().mapToInt(Future::result).sum();
  }
}
