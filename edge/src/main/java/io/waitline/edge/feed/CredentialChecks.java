package io.waitline.edge.feed;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.waitline.access.Principal;
import io.waitline.edge.pipeline.AccessChanges;
import io.waitline.edge.pipeline.AccessGuard.Credential;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A node's open feeds grouped by the credential that opened them, so that a credential is checked again once per
 * period however many feeds it holds open (a display device may hold thousands): one timer and one query per
 * credential each period, and one more at once when credentials end on any node ({@link AccessChanges}). Each feed
 * decides from that one answer whether its own view is still allowed. A credential is forgotten, and its timer
 * cancelled, when its last feed closes.
 */
final class CredentialChecks {
  /**
   * What keeps a feed open: the credential that opened it, how that credential is checked again (without counting as
   * a use), and whether the principal it then stands for may still watch the feed.
   */
  record Grant(Credential credential, Function<Credential, Future<Principal>> recheck, Predicate<Principal> allows) {}

  /** A feed whose credential is checked; it hears each answer on its own event loop. */
  interface Holder {
    Context context();

    void checked(AsyncResult<Principal> answer);
  }

  private final Vertx vertx;
  private final long periodMs;
  private final Map<Credential, Checked> byCredential = new ConcurrentHashMap<>();

  CredentialChecks(Vertx vertx, long periodMs) {
    this.vertx = vertx;
    this.periodMs = periodMs;
    vertx.eventBus().<String>consumer(AccessChanges.ADDRESS,
        msg -> byCredential.values().forEach(c -> c.loop.runOnContext(v -> c.check())));
  }

  /** Has {@code holder} hear the checks of {@code grant}'s credential from now on. */
  void join(Holder holder, Grant grant) {
    ContextInternal loop = FeedHub.loopOf(holder.context());
    byCredential.compute(grant.credential(), (credential, existing) -> {
      Checked checked = existing != null ? existing : new Checked(credential, grant.recheck(), loop);
      checked.byLoop.computeIfAbsent(loop, l -> ConcurrentHashMap.newKeySet()).add(holder);
      return checked;
    });
  }

  void leave(Holder holder, Grant grant) {
    byCredential.computeIfPresent(grant.credential(), (credential, checked) -> {
      checked.byLoop.computeIfPresent(FeedHub.loopOf(holder.context()),
          (l, holders) -> holders.remove(holder) && holders.isEmpty() ? null : holders);
      if (!checked.byLoop.isEmpty()) return checked;
      vertx.cancelTimer(checked.timer);
      return null;
    });
  }

  /** One credential's feeds by event loop, and its checks; the checks run on {@link #loop}, where its timer fires. */
  private final class Checked {
    final Credential credential;
    final Function<Credential, Future<Principal>> recheck;
    final ContextInternal loop;
    final Map<Context, Set<Holder>> byLoop = new ConcurrentHashMap<>();
    final long timer;
    /** A check is under way; {@link #checkAgain}: another was asked for meanwhile. */
    private boolean checking;
    private boolean checkAgain;

    Checked(Credential credential, Function<Credential, Future<Principal>> recheck, ContextInternal loop) {
      this.credential = credential;
      this.recheck = recheck;
      this.loop = loop;
      this.timer = loop.setPeriodic(periodMs, id -> check());
    }

    /** Asks once for all the credential's feeds; asks made while one is under way cost one more after it. */
    void check() {
      if (checking) {
        checkAgain = true;
        return;
      }
      checking = true;
      recheck.apply(credential).onComplete(answer -> loop.runOnContext(v -> {
        checking = false;
        // one task per event loop tells that loop's feeds
        byLoop.forEach((feedLoop, holders) -> feedLoop.runOnContext(t -> holders.forEach(h -> h.checked(answer))));
        if (checkAgain) {
          checkAgain = false;
          check();
        }
      }));
    }
  }
}
