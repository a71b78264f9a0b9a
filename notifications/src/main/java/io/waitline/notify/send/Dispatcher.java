package io.waitline.notify.send;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.waitline.notify.Channel;
import io.waitline.notify.FallbackPlan;
import io.waitline.notify.Kind;
import io.waitline.notify.Message;
import io.waitline.notify.PhoneNumbers;
import io.waitline.notify.Preferences;
import io.waitline.notify.QuietHours;
import io.waitline.notify.Templates;
import io.waitline.notify.channel.ChannelException;
import io.waitline.notify.channel.Delivery;
import io.waitline.notify.channel.Lookup;
import io.waitline.notify.channel.Outgoing;
import io.waitline.notify.channel.Recipient;
import io.waitline.notify.store.AttemptRow;
import io.waitline.notify.store.IntentRow;
import io.waitline.notify.store.NotifyStore;
import io.waitline.notify.store.Reach;
import io.waitline.notify.store.SiteSettings;
import io.waitline.queue.Entry;
import io.waitline.queue.Site;
import io.waitline.queue.read.QueueReadModel;
import io.waitline.queue.read.VisitContact;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due intents and delivers each through its fallback chain. Before any send an attempt row is written; after
 * a crash or timeout that row is the evidence, and the provider is asked (Twilio) before anything is sent again.
 *
 * <p>Per intent: resolve an earlier unknown outcome, check the message still makes sense (visit status, opt-out,
 * quiet hours), then try the chain's channels in order. A channel whose breaker is open is passed over; a rejected
 * channel is ruled out for this intent; an unknown outcome stops the chain (a second channel could mean a second
 * message). When every channel fails the intent is kept as {@code failed}, shown to staff and retried later.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** How far before an unknown send the recipient's other recorded messages are counted as taken. */
  private static final Duration LOOKUP_WINDOW = Duration.ofHours(1);

  private final Pool pool;
  private final NotifyStore store;
  private final QueueReadModel queues;
  private final Map<Channel, GuardedChannel> channels;
  private final Templates templates;
  private final DispatchSettings settings;
  private final Clock clock;
  private final String worker;

  public Dispatcher(Pool pool, NotifyStore store, QueueReadModel queues, Map<Channel, GuardedChannel> channels,
      Templates templates, DispatchSettings settings, Clock clock, String worker) {
    this.pool = pool;
    this.store = store;
    this.queues = queues;
    this.channels = Map.copyOf(channels);
    this.templates = templates;
    this.settings = settings;
    this.clock = clock;
    this.worker = worker;
  }

  public String worker() {
    return worker;
  }

  /** Claims one batch of due intents, urgent ones first, and works on all of them; the count claimed. */
  public Future<Integer> poll() {
    return poll(false);
  }

  /**
   * The same for urgent intents only: a lane of its own, so "you are called" never waits behind a batch of slow
   * sends.
   */
  public Future<Integer> pollUrgent() {
    return poll(true);
  }

  private Future<Integer> poll(boolean urgentOnly) {
    Instant now = clock.instant();
    return store.claim(pool, worker, now, now.plus(settings.lease()), settings.batch(), urgentOnly).compose(rows -> {
      List<Future<Void>> work = new ArrayList<>();
      for (IntentRow row : rows) {
        work.add(safely(row).recover(err -> {
          LOG.error("Notification {} ({}) could not be processed; kept as unknown and checked again later",
              row.id(), row.kind().wire(), err);
          // "unknown", not "failed": a send may have happened before the failure, so it is checked before any resend;
          // when the database itself fails this fails too, and the lease ending brings the intent back
          return finish(row, new NotifyStore.Finish("unknown", null, null, row.excluded(), row.rounds(),
              clock.instant().plus(settings.maxBackoff()), "internal error: " + err, null))
              .recover(again -> Future.succeededFuture());
        }));
      }
      return Future.join(work).map(rows.size());
    });
  }

  // --- one intent

  private sealed interface Resolution {
    record Fresh() implements Resolution {}

    record Sent(Channel channel, String providerRef, long attemptId) implements Resolution {}

    /** The earlier try never reached the provider (or the provider reports it failed: {@code exclude}). */
    record NotSent(Channel channel, boolean exclude) implements Resolution {}

    record StillUnknown(String why) implements Resolution {}

    /** No way to ask the provider: send again on the same channel, with the same idempotency handles. */
    record ResendSame(Channel channel) implements Resolution {}
  }

  private Future<Void> safely(IntentRow row) {
    try {
      return process(row);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> process(IntentRow row) {
    return resolve(row).compose(res -> {
      Set<Channel> excluded = EnumSet.noneOf(Channel.class);
      excluded.addAll(row.excluded());
      if (res instanceof Resolution.Sent s) {
        return sent(row, s.channel(), s.attemptId(), new Delivery(s.providerRef(), List.of()), null);
      }
      if (res instanceof Resolution.StillUnknown u) {
        return finish(row, new NotifyStore.Finish("unknown", null, null, excluded, row.rounds(),
            clock.instant().plus(settings.unknownRecheck()), u.why(), null));
      }
      if (res instanceof Resolution.NotSent n && n.exclude()) excluded.add(n.channel());
      Channel only = res instanceof Resolution.ResendSame r ? r.channel() : null;
      return context(row).compose(ctx -> deliver(row, ctx, excluded, only));
    });
  }

  /** What became of the previous try, when a worker crashed mid-send or the outcome was unknown. */
  private Future<Resolution> resolve(IntentRow row) {
    boolean crashed = "sending".equals(row.previousState());
    if (!crashed && !"unknown".equals(row.previousState())) return Future.succeededFuture(new Resolution.Fresh());
    return store.lastAttempt(pool, row.id()).compose(a -> {
      if (a == null) return Future.succeededFuture(new Resolution.Fresh());
      if ("sent".equals(a.outcome()) && crashed) {
        return Future.succeededFuture(new Resolution.Sent(a.channel(), a.providerRef(), a.id()));
      }
      if (a.outcome() != null && !"unknown".equals(a.outcome())) return Future.succeededFuture(new Resolution.Fresh());
      GuardedChannel gc = channels.get(a.channel());
      if (gc == null) return Future.succeededFuture(new Resolution.StillUnknown(
          a.channel().wire() + " is no longer configured; its last send cannot be checked"));
      if (!gc.channel().canLookUp()) return Future.succeededFuture(new Resolution.ResendSame(a.channel()));
      return lookUp(row, a, gc);
    });
  }

  private Future<Resolution> lookUp(IntentRow row, AttemptRow a, GuardedChannel gc) {
    Instant now = clock.instant();
    // a delivery report naming this intent already tells which message it became
    return store.providerRefForIntent(pool, row.id()).compose(known -> {
      if (known != null) {
        return store.finishAttempt(pool, a.id(), "sent", known, "confirmed by a delivery report", now)
            .map(v -> (Resolution) new Resolution.Sent(a.channel(), known, a.id()));
      }
      // the recipient's other messages already recorded may have the very same text: they are not this one
      return store.providerRefsOfOthers(pool, row.id(), a.recipient(), a.startedAt().minus(LOOKUP_WINDOW))
          .compose(taken -> gc.guard().call(() -> gc.channel().lookup(a.recipient(), a.fingerprint(), a.startedAt(),
              taken)))
          .compose(found -> {
            if (found instanceof Lookup.Found f && !f.failed()) {
              LOG.info("Notification {}: {} has the message sent before the interruption ({}); not sending again",
                  row.id(), a.channel().wire(), f.providerRef());
              return store.finishAttempt(pool, a.id(), "sent", f.providerRef(), "found at the provider", now)
                  .map(v -> (Resolution) new Resolution.Sent(a.channel(), f.providerRef(), a.id()));
            }
            boolean failed = found instanceof Lookup.Found;
            return store.finishAttempt(pool, a.id(), failed ? "failed" : "not_sent",
                    failed ? ((Lookup.Found) found).providerRef() : null,
                    failed ? "the provider reports it failed" : "the provider has no such message", now)
                .map(v -> (Resolution) new Resolution.NotSent(a.channel(), failed));
          }, err -> Future.succeededFuture(new Resolution.StillUnknown(
              "cannot check with " + a.channel().wire() + " yet: " + err.getMessage())));
    });
  }

  // --- who, where, and whether at all

  private record Context(Entry entry, Site site, SiteSettings siteSettings, String queueName, Preferences prefs,
      Recipient recipient, Set<Channel> reachable, String language, String link) {}

  /** Two reads: queue-core's facts about the visit, then what this module stores about reaching the person. */
  private Future<Context> context(IntentRow row) {
    return queues.visitContact(pool, row.entryId()).compose(visit -> {
      if (visit == null) {
        return Future.succeededFuture(new Context(null, null, null, null, Preferences.DEFAULT, null, Set.of(), null,
            null));
      }
      boolean staff = row.kind().audience() == Kind.Audience.STAFF;
      String phone = staff ? null : PhoneNumbers.e164(visit.entry().patient().phone(), settings.countryCode());
      return store.reach(pool, visit.site().id(), staff ? null : visit.visitToken(), phone)
          .map(reach -> staff ? staffContext(visit, reach.siteSettings()) : patientContext(visit, reach, phone));
    });
  }

  private Context staffContext(VisitContact v, SiteSettings ss) {
    String email = ss != null && ss.staffEmail() != null ? ss.staffEmail() : settings.staffEmail();
    String phone = ss == null ? null : PhoneNumbers.e164(ss.staffPhone(), settings.countryCode());
    Set<Channel> reachable = EnumSet.noneOf(Channel.class);
    if (email != null) reachable.add(Channel.EMAIL);
    if (phone != null) reachable.add(Channel.SMS);
    return new Context(v.entry(), v.site(), ss, v.queueName(), Preferences.DEFAULT,
        new Recipient(phone, email, List.of(), List.of()), reachable, v.site().language(), null);
  }

  private Context patientContext(VisitContact v, Reach reach, String phone) {
    Entry e = v.entry();
    String email = e.patient().email() == null || e.patient().email().isBlank() ? null : e.patient().email().trim();
    Recipient r = new Recipient(reach.smsOptedOut() ? null : phone, email, reach.pushTokens(), reach.webPush());
    Set<Channel> reachable = EnumSet.noneOf(Channel.class);
    if (r.phone() != null) reachable.add(Channel.SMS);
    if (r.email() != null) reachable.add(Channel.EMAIL);
    if (!r.pushTokens().isEmpty()) reachable.add(Channel.PUSH);
    if (!r.webPush().isEmpty()) reachable.add(Channel.WEB_PUSH);
    Preferences prefs = reach.preferences();
    String language = prefs.language() != null ? prefs.language() : v.site().language();
    return new Context(e, v.site(), reach.siteSettings(), v.queueName(), prefs, r, reachable, language,
        settings.publicUrl() + "/visit/" + v.visitToken());
  }

  private Future<Void> deliver(IntentRow row, Context ctx, Set<Channel> excluded, Channel resend) {
    Instant now = clock.instant();
    // a channel that can no longer reach the person cannot have delivered the earlier copy either
    Channel only = resend != null && ctx.reachable().contains(resend) && !excluded.contains(resend) ? resend : null;
    if (resend != null && only == null) excluded.add(resend);
    if (ctx.entry() == null) return end(row, "cancelled", excluded, "the visit no longer exists");
    if (!row.kind().relevantFor(ctx.entry().status())) {
      return end(row, "cancelled", excluded, "no longer relevant: the patient is now " + ctx.entry().status().wire());
    }
    if (ctx.prefs().optedOut()) return end(row, "skipped", excluded, "the patient opted out of messages");
    QuietHours quiet = ctx.siteSettings() != null && ctx.siteSettings().quietHours() != null
        ? ctx.siteSettings().quietHours() : settings.quietHours();
    // urgent messages are never held, nor one staff asked to send now
    Instant holdUntil = row.urgent() || row.sendNow() || quiet == null ? null
        : quiet.holdUntil(now, ctx.site().zone());
    if (holdUntil != null && only == null) {
      return finish(row, new NotifyStore.Finish("held", null, null, excluded, row.rounds(), holdUntil,
          "held for quiet hours (" + quiet + " " + ctx.site().zone().getId() + ")", null));
    }
    List<Channel> chain = only != null ? List.of(only)
        : FallbackPlan.chain(row.kind(), ctx.prefs(), ctx.reachable(), channels.keySet(), excluded);
    if (chain.isEmpty()) {
      List<Channel> possible = FallbackPlan.chain(row.kind(), ctx.prefs(), ctx.reachable(), channels.keySet(),
          Set.of());
      if (possible.isEmpty()) {
        return end(row, "skipped", excluded, row.kind().audience() == Kind.Audience.STAFF
            ? "no staff contact is configured for this site" : "no configured channel can reach this patient");
      }
      return finish(row, new NotifyStore.Finish("failed", null, null, excluded, row.rounds() + 1, null,
          "every channel that could reach this person refused the message", null));
    }
    Message message = templates.render(row.kind(), ctx.language(), ctx.site().name(),
        row.params().copy().put("ticket", row.ticket()).put("queue", ctx.queueName()), ctx.link());
    Outgoing out = new Outgoing(row.id(), row.kind(), row.urgent(), message, ctx.recipient());
    return tryChain(row, ctx, out, chain, 0, excluded, new ArrayList<>(), only != null);
  }

  private Future<Void> tryChain(IntentRow row, Context ctx, Outgoing out, List<Channel> chain, int i,
      Set<Channel> excluded, List<String> errors, boolean resendOnly) {
    if (i == chain.size()) {
      if (resendOnly && excluded.contains(chain.get(0))) {
        // the person cannot be reached there any more (device gone, address refused): go on with the other channels
        return deliver(row, ctx, excluded, null);
      }
      return allFailed(row, chain, excluded, errors, resendOnly);
    }
    Channel ch = chain.get(i);
    GuardedChannel gc = channels.get(ch);
    Instant started = clock.instant();
    return store.startAttempt(pool, row.id(), ch, worker, started, started.plus(settings.lease()),
        gc.channel().address(out), gc.channel().fingerprint(out)).compose(attemptId -> {
      if (attemptId == null) {
        LOG.warn("Notification {}: lease lost before sending on {}; another worker has it", row.id(), ch.wire());
        return Future.succeededFuture();
      }
      return gc.guard().call(() -> gc.channel().send(out)).transform(ar -> {
        if (ar.succeeded()) return sent(row, ch, attemptId, ar.result(), ctx);
        Throwable err = ar.cause();
        Instant now = clock.instant();
        if (err instanceof ChannelException.Unknown) {
          LOG.warn("Notification {}: outcome on {} unknown ({}); will check before sending again", row.id(),
              ch.wire(), err.getMessage());
          return inTx(attemptId, "unknown", null, err.getMessage(), row,
              new NotifyStore.Finish("unknown", ch, null, excluded, row.rounds(),
                  now.plus(settings.unknownRecheck()), ch.wire() + ": " + err.getMessage(), null));
        }
        errors.add(ch.wire() + ": " + err.getMessage());
        if (err instanceof ChannelException.Rejected rej) {
          excluded.add(ch);
          return store.finishAttempt(pool, attemptId, "rejected", null, err.getMessage(), now)
              .compose(v -> forget(ch, rej.deadAddresses()))
              .compose(v -> rej.optedOut() && out.recipient().phone() != null
                  ? store.setSmsOptOut(pool, out.recipient().phone(), true, now) : Future.succeededFuture())
              .compose(v -> tryChain(row, ctx, out, chain, i + 1, excluded, errors, resendOnly));
        }
        String outcome = err instanceof ChannelException.NotPermitted ? "skipped" : "failed";
        return store.finishAttempt(pool, attemptId, outcome, null, err.getMessage(), now)
            .compose(v -> tryChain(row, ctx, out, chain, i + 1, excluded, errors, resendOnly));
      });
    });
  }

  private Future<Void> allFailed(IntentRow row, List<Channel> chain, Set<Channel> excluded, List<String> errors,
      boolean resendOnly) {
    Instant now = clock.instant();
    String error = String.join("; ", errors);
    if (resendOnly) {
      // an earlier copy may have arrived: stay on that channel rather than risk a second message elsewhere
      return finish(row, new NotifyStore.Finish("unknown", null, null, excluded, row.rounds(),
          now.plus(settings.unknownRecheck()), error, null));
    }
    int rounds = row.rounds() + 1;
    boolean anyLeft = chain.stream().anyMatch(c -> !excluded.contains(c));
    Instant next = anyLeft ? now.plus(backoff(rounds)) : null;
    LOG.warn("Notification {} ({}, ticket {}): every channel failed (round {}): {}", row.id(), row.kind().wire(),
        row.ticket(), rounds, error);
    return finish(row, new NotifyStore.Finish("failed", null, null, excluded, rounds, next, error, null));
  }

  private Duration backoff(int rounds) {
    Duration d = settings.roundBackoff().multipliedBy(1L << Math.min(rounds - 1, 20));
    return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
  }

  private Future<Void> sent(IntentRow row, Channel ch, long attemptId, Delivery d, Context ctx) {
    Instant now = clock.instant();
    return inTx(attemptId, "sent", d.providerRef(), null, row, new NotifyStore.Finish("sent", ch, d.providerRef(),
            row.excluded(), row.rounds(), null, null, now))
        .compose(v -> forget(ch, d.deadAddresses()))
        // a delivery report may have arrived before the send was recorded
        .compose(v -> d.providerRef() == null ? Future.succeededFuture()
            : store.applyProviderStatus(pool, d.providerRef(), now).mapEmpty());
  }

  /** Removes device tokens and browser subscriptions the provider said are gone. */
  private Future<Void> forget(Channel ch, List<String> dead) {
    if (dead.isEmpty()) return Future.succeededFuture();
    LOG.info("Removing {} dead {} address(es)", dead.size(), ch.wire());
    return switch (ch) {
      case PUSH -> store.removePushTokens(pool, dead).mapEmpty();
      case WEB_PUSH -> store.removeWebPush(pool, dead).mapEmpty();
      default -> Future.succeededFuture();
    };
  }

  private Future<Void> inTx(long attemptId, String outcome, String providerRef, String detail, IntentRow row,
      NotifyStore.Finish f) {
    Instant now = clock.instant();
    return pool.withTransaction(c -> store.finishAttempt(c, attemptId, outcome, providerRef, detail, now)
        .compose(v -> store.finish(c, row.id(), worker, f, now))).map(held -> {
          if (!held) LOG.warn("Notification {}: lease lost before recording '{}'", row.id(), f.state());
          return null;
        });
  }

  private Future<Void> end(IntentRow row, String state, Set<Channel> excluded, String why) {
    return finish(row, new NotifyStore.Finish(state, null, null, excluded, row.rounds(), null, why, null));
  }

  private Future<Void> finish(IntentRow row, NotifyStore.Finish f) {
    return store.finish(pool, row.id(), worker, f, clock.instant()).map(held -> {
      if (!held) LOG.warn("Notification {}: lease lost before recording '{}'", row.id(), f.state());
      return null;
    });
  }
}
