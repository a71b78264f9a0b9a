package io.waitline.queue.command;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.waitline.queue.Entry;
import io.waitline.queue.HistoryStep;
import io.waitline.queue.LinkedEntry;
import io.waitline.queue.Lineup;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueDay;
import io.waitline.queue.QueueException;
import io.waitline.queue.QueueOrdering;
import io.waitline.queue.Rota;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.Site;
import io.waitline.queue.Status;
import io.waitline.queue.TransferPolicy;
import io.waitline.queue.WaitEstimator;
import io.waitline.queue.event.EventType;
import io.waitline.queue.event.QueueEvent;
import io.waitline.queue.event.QueueEventPayload;
import io.waitline.queue.event.QueueEventPublisher;
import io.waitline.queue.sql.Pipelined;
import io.waitline.queue.store.QueueStore;
import io.waitline.queue.store.QueueStore.QueueAtSite;
import io.waitline.queue.store.QueueStore.RecentHistory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes queue commands. Each command is one transaction that locks the queues it touches, changes entries,
 * records their transitions and appends one event per change; events are published only after commit. A caller may
 * add its own work to that transaction ({@link #beforeCommit}), e.g. the audit record of the request.
 */
public final class QueueCommands {
  /**
   * About what one page of a queue's event log carries (the events' payloads as stored JSON) for every reader that
   * pages through it (the REST log, feeds replaying, a node filling a gap in the topic): each event carries the line
   * as it was, so 500 events of a long line would otherwise be tens of megabytes at once.
   */
  public static final int EVENTS_PAGE_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(QueueCommands.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Work added to a command's own transaction, run last before it commits; its failure rolls the command back. */
  @FunctionalInterface
  public interface BeforeCommit {
    /** {@code entry}: the entry the command created or changed last, or null (queue settings, sites, queues). */
    Future<?> run(SqlConnection c, Entry entry);
  }

  private final Pool pool;
  private final QueueStore store;
  private final QueueEventPublisher publisher;
  private final WaitEstimator estimator;
  private final Clock clock;
  private final RecentHistories histories;
  private final KeptLineupInputs lineupInputs;
  /** Null when nothing is added. */
  private final BeforeCommit beforeCommit;

  public QueueCommands(Pool pool, QueueStore store, QueueEventPublisher publisher, WaitEstimator estimator,
      Clock clock) {
    this(pool, store, publisher, estimator, clock, new RecentHistories(), new KeptLineupInputs(), null);
  }

  private QueueCommands(Pool pool, QueueStore store, QueueEventPublisher publisher, WaitEstimator estimator,
      Clock clock, RecentHistories histories, KeptLineupInputs lineupInputs, BeforeCommit beforeCommit) {
    this.pool = pool;
    this.store = store;
    this.publisher = publisher;
    this.estimator = estimator;
    this.clock = clock;
    this.histories = histories;
    this.lineupInputs = lineupInputs;
    this.beforeCommit = beforeCommit;
  }

  /**
   * These commands with {@code hook} run in each command's own transaction just before it commits, so that the
   * command and the hook's writes commit together or not at all; null adds nothing.
   */
  public QueueCommands beforeCommit(BeforeCommit hook) {
    return hook == null ? this : new QueueCommands(pool, store, publisher, estimator, clock, histories, lineupInputs,
        hook);
  }

  /** The clock these commands read: the time of every change, and each site's today. */
  public Clock clock() {
    return clock;
  }

  // --- sites and queues

  public Future<Site> createSite(Site site) {
    return pool.withTransaction(c -> store.insertSite(c, site).compose(s -> hooked(c, null, s)))
        .recover(duplicate("A site with id '" + site.id() + "' already exists."));
  }

  public Future<ServiceQueue> createQueue(ServiceQueue queue) {
    return pool.withTransaction(c -> store.site(c, queue.siteId()).compose(s -> store.insertQueue(c, queue))
            .compose(q -> hooked(c, null, q)))
        .recover(duplicate("A queue with id '" + queue.id() + "' already exists."));
  }

  /** Pauses or resumes calling; answers the queue as of its event. */
  public Future<ServiceQueue> pause(String queueId, boolean paused, String actor) {
    return inTransaction(tx -> tx.lock(queueId).compose(q -> {
      if (q.paused() == paused) {
        throw new QueueException.Conflict("Queue " + q.name() + " is already " + (paused ? "paused." : "running."));
      }
      return tx.changeSettings(q, paused, q.staffOnDuty(), paused ? EventType.PAUSED : EventType.RESUMED);
    }));
  }

  /** Sets how many staff serve the queue (it divides the estimates); answers the queue as of its event. */
  public Future<ServiceQueue> setStaffOnDuty(String queueId, int staff, String actor) {
    if (staff < 0 || staff > 500) {
      return Future.failedFuture(new QueueException.Invalid("Staff on duty must be between 0 and 500."));
    }
    return inTransaction(tx -> tx.lock(queueId).compose(q ->
        tx.changeSettings(q, q.paused(), staff, EventType.STAFF_CHANGED)));
  }

  /** A queue's planned week. */
  public Future<Rota> rota(String queueId) {
    return store.queueAtSite(pool, queueId).map(QueueAtSite::rota);
  }

  /** Replaces a queue's planned week; its event carries the estimates the new rota gives. */
  public Future<Rota> setRota(String queueId, Rota rota, String actor) {
    return inTransaction(tx -> tx.lock(queueId).compose(q -> tx.changeRota(q, rota)).map(rota));
  }

  // --- arrivals

  /** A patient arrives: gets the next ticket of the day and joins the waiting line. */
  public Future<LinkedEntry> checkIn(String queueId, CheckIn in, String actor) {
    return inTransaction(tx -> tx.lock(queueId).compose(q -> {
      Entry e = new Entry(UUID.randomUUID(), q.id(), null, in.patient(), in.priority(), in.appointmentAt(),
          in.appointmentRef(), tx.now, Status.WAITING, tx.now, null, false, null);
      return tx.createTicketed(q, e, tx.today(q), newToken(), EventType.CHECKED_IN, actor);
    })).recover(duplicate("Appointment '" + in.appointmentRef() + "' is already on this queue's list."));
  }

  /** An appointment is announced: the entry is expected, without a ticket until the patient arrives. */
  public Future<LinkedEntry> expect(String queueId, CheckIn in, String actor) {
    if (in.appointmentAt() == null) {
      return Future.failedFuture(new QueueException.Invalid("An expected patient needs an appointment time."));
    }
    return inTransaction(tx -> expect(tx, queueId, in, actor))
        .recover(duplicate("Appointment '" + in.appointmentRef() + "' is already on this queue's list."));
  }

  private Future<LinkedEntry> expect(Tx tx, String queueId, CheckIn in, String actor) {
    return tx.lock(queueId).compose(q -> {
      LocalDate day = in.appointmentAt().atZone(tx.site(q).zone()).toLocalDate();
      Entry e = new Entry(UUID.randomUUID(), q.id(), null, in.patient(), in.priority(), in.appointmentAt(),
          in.appointmentRef(), in.appointmentAt(), Status.EXPECTED, tx.now, null, false, null);
      return tx.create(e, day, newToken(), EventType.EXPECTED, actor);
    });
  }

  /**
   * Many appointments of one queue announced at once (a source's import): the entries are written set-based and each
   * gets its own {@code expected} event, as {@link #expect} would give it. Expected entries do not wait in line, so
   * every event carries the one lineup the queue has after them all. {@code actors} are who announced each, by index.
   */
  private Future<List<Entry>> expectAll(Tx tx, String queueId, List<CheckIn> ins, List<String> actors) {
    return tx.lock(queueId).compose(q -> {
      List<Entry> entries = new ArrayList<>(ins.size());
      List<LocalDate> days = new ArrayList<>(ins.size());
      List<String> tokens = new ArrayList<>(ins.size());
      for (CheckIn in : ins) {
        if (in.appointmentAt() == null) throw new QueueException.Invalid("An expected patient needs an appointment time.");
        entries.add(new Entry(UUID.randomUUID(), q.id(), null, in.patient(), in.priority(), in.appointmentAt(),
            in.appointmentRef(), in.appointmentAt(), Status.EXPECTED, tx.now, null, false, null));
        days.add(in.appointmentAt().atZone(tx.site(q).zone()).toLocalDate());
        tokens.add(newToken());
      }
      // the events' lineup is worked out while the entries are written: it needs the entries, not their rows
      tx.unanswered.add(store.insertEntriesWithTransitions(tx.c, entries, days, tokens, tx.now, actors,
          EventType.EXPECTED.wire()));
      return tx.emitAll(q.id(), EventType.EXPECTED, entries, days).map(entries);
    });
  }

  /**
   * An expected patient's appointment changed at its source (new time or patient details): the entry keeps its id
   * and patient link, moves to the appointment's day and announces itself again as {@code expected}.
   */
  private Future<Entry> reschedule(Tx tx, UUID entryId, Instant appointmentAt, Patient patient, String actor) {
    return onEntry(tx, entryId, (t, q, e) -> {
      if (e.status() != Status.EXPECTED) {
        throw new QueueException.Conflict(describe(e) + "; only an expected appointment can be changed.");
      }
      Entry next = new Entry(e.id(), e.queueId(), null, patient, e.priority(), appointmentAt, e.appointmentRef(),
          appointmentAt, Status.EXPECTED, e.statusSince(), null, e.runningLate(), e.transferredFrom());
      LocalDate day = appointmentAt.atZone(t.site(q).zone()).toLocalDate();
      return store.updateAppointment(t.c, next, day)
          .compose(v -> t.emitOn(q.id(), EventType.EXPECTED, next, day)).map(next);
    });
  }

  /**
   * An expected patient arrives (also after being marked a no-show without ever checking in): gets a ticket of the
   * day they arrive, and joins the waiting line.
   */
  public Future<LinkedEntry> arrive(UUID entryId, String actor) {
    return inTransaction(tx -> arrive(tx, entryId, actor));
  }

  private Future<LinkedEntry> arrive(Tx tx, UUID entryId, String actor) {
    return tx.lockQueueOf(entryId).compose(q -> store.linkedEntry(tx.c, entryId).compose(linked -> {
      Entry e = linked.entry();
      tx.requireMove(e, Status.WAITING);
      boolean neverArrived = e.status() == Status.NO_SHOW && e.ticket() == null;
      if (e.status() != Status.EXPECTED && !neverArrived) {
        throw new QueueException.Conflict(describe(e) + "; only an expected patient can be checked in.");
      }
      LocalDate day = tx.today(q);
      return tx.allocateTicket(q, day).compose(ticket -> {
        Entry next = new Entry(e.id(), e.queueId(), ticket, e.patient(), e.priority(), e.appointmentAt(),
            e.appointmentRef(), tx.now, Status.WAITING, tx.now, null, e.runningLate(), e.transferredFrom());
        // the visit now belongs to the arrival day (tickets and patient links are per day)
        return tx.moveToDay(e.id(), day)
            .compose(v -> tx.change(e, next, EventType.CHECKED_IN, actor, "arrived"))
            .map(arrived -> new LinkedEntry(arrived, linked.visitToken()));
      });
    }));
  }

  // --- the desk

  /**
   * Hands the first waiting entry to the calling desk. Concurrent desks each get a different entry. It picks by the
   * calling order of the same entries its event's lineup is built from, after the change (the estimates are
   * computed once, for the event).
   */
  public Future<Entry> callNext(String queueId, String calledTo, String actor) {
    return inTransaction(tx -> tx.lock(queueId).compose(q -> {
      if (q.paused()) throw new QueueException.Conflict("Queue " + q.name() + " is paused; resume it to call.");
      return tx.callingOrder(q).compose(order -> {
        if (order.isEmpty()) {
          throw new QueueException.Conflict("Nobody is waiting in queue " + q.name() + ".");
        }
        Entry first = order.get(0);
        return tx.change(first, first.withStatus(Status.CALLED, tx.now, calledTo), EventType.CALLED, actor, null);
      });
    }));
  }

  public Future<Entry> recall(UUID entryId, String actor) {
    return onEntry(entryId, (tx, q, e) -> {
      if (e.status() != Status.CALLED) throw new QueueException.Conflict(describe(e) + "; only a called patient can be recalled.");
      return tx.change(e, e.withStatus(Status.CALLED, tx.now, e.calledTo()), EventType.RECALLED, actor, "recall");
    });
  }

  public Future<Entry> startService(UUID entryId, String actor) {
    return onEntry(entryId, (tx, q, e) -> {
      tx.requireMove(e, Status.IN_SERVICE);
      return tx.change(e, e.withStatus(Status.IN_SERVICE, tx.now, e.calledTo()), EventType.SERVICE_STARTED, actor,
          null).compose(n -> store.markServiceStarted(tx.c, n.id(), tx.now).map(n));
    });
  }

  public Future<Entry> complete(UUID entryId, String actor) {
    return onEntry(entryId, completing(actor));
  }

  private EntryWork completing(String actor) {
    return (tx, q, e) -> {
      tx.requireMove(e, Status.COMPLETED);
      return store.markServiceCompleted(tx.c, e.id(), tx.now).compose(v ->
          tx.change(e, e.withStatus(Status.COMPLETED, tx.now, null), EventType.COMPLETED, actor, null));
    };
  }

  public Future<Entry> noShow(UUID entryId, String actor) {
    return simpleMove(entryId, Status.NO_SHOW, EventType.NO_SHOW, actor);
  }

  /** Puts a called, in-service or no-show patient back in line, keeping their original place. */
  public Future<Entry> requeue(UUID entryId, String actor) {
    return onEntry(entryId, (tx, q, e) -> {
      if (e.ticket() == null) {
        throw new QueueException.Conflict(describe(e) + "; check them in to give them a ticket.");
      }
      return move(tx, e, Status.WAITING, EventType.REQUEUED, actor);
    });
  }

  public Future<Entry> cancel(UUID entryId, String actor) {
    return simpleMove(entryId, Status.CANCELLED, EventType.CANCELLED, actor);
  }

  /** The patient left (said so on their phone, or staff saw them go). */
  public Future<Entry> leave(UUID entryId, String actor) {
    return simpleMove(entryId, Status.LEFT, EventType.LEFT, actor);
  }

  /** The patient says they will be late; staff see the flag. Position is unchanged. */
  public Future<Entry> runningLate(UUID entryId, String actor) {
    return onEntry(entryId, (tx, q, e) -> {
      if (e.status() != Status.EXPECTED && e.status() != Status.WAITING) {
        throw new QueueException.Conflict(describe(e) + "; running late applies only before being called.");
      }
      if (e.runningLate()) return Future.succeededFuture(e);
      Entry next = new Entry(e.id(), e.queueId(), e.ticket(), e.patient(), e.priority(), e.appointmentAt(),
          e.appointmentRef(), e.placeAt(), e.status(), e.statusSince(), e.calledTo(), true, e.transferredFrom());
      return store.updateEntry(tx.c, next).compose(v -> tx.emit(q.id(), EventType.RUNNING_LATE, next)).map(next);
    });
  }

  /**
   * Moves a patient to another queue of the same site. The old entry ends as transferred; a new entry waits in the
   * target queue with a new ticket, the same patient link, and by the target's rule either its original place or the
   * back of the line. Priority is kept unless a new one is given.
   */
  public Future<LinkedEntry> transfer(UUID entryId, String targetQueueId, Priority priority, String actor) {
    return inTransaction(tx -> store.queueIdOfEntry(tx.c, entryId).compose(sourceId -> {
      if (sourceId.equals(targetQueueId)) {
        throw new QueueException.Invalid("The patient is already in this queue; choose another queue.");
      }
      // lock in id order so two opposite transfers cannot deadlock
      boolean sourceFirst = sourceId.compareTo(targetQueueId) < 0;
      Future<ServiceQueue> first = tx.lock(sourceFirst ? sourceId : targetQueueId);
      return first.compose(a -> tx.lock(sourceFirst ? targetQueueId : sourceId).compose(b -> {
        ServiceQueue source = sourceFirst ? a : b;
        ServiceQueue target = sourceFirst ? b : a;
        if (!source.siteId().equals(target.siteId())) {
          throw new QueueException.Invalid("Queue " + target.name() + " is at another site; transfers stay within a site.");
        }
        return store.linkedEntry(tx.c, entryId).compose(linked -> {
          Entry e = linked.entry();
          tx.requireMove(e, Status.TRANSFERRED);
          LocalDate day = tx.today(target);
          return tx.allocateTicket(target, day).compose(ticket -> {
            Instant place = target.rule().transferPolicy() == TransferPolicy.KEEP_PLACE ? e.placeAt() : tx.now;
            Entry moved = new Entry(UUID.randomUUID(), target.id(), ticket, e.patient(),
                priority == null ? e.priority() : priority, e.appointmentAt(), null, place, Status.WAITING,
                tx.now, null, false, e.id());
            Entry ended = e.withStatus(Status.TRANSFERRED, tx.now, null);
            // the patient's link follows them: the old entry gets a dead token, the new one the patient's
            // a service ended by a transfer (e.g. triage) is a service of this queue: it records its time
            Future<Void> served = e.status() == Status.IN_SERVICE
                ? store.markServiceCompleted(tx.c, e.id(), tx.now) : Future.succeededFuture();
            return served.compose(v -> tx.reassignToken(e.id(), newToken()))
                .compose(v -> tx.change(e, ended, EventType.TRANSFERRED_OUT, actor, "to " + target.id()))
                .compose(v -> tx.create(moved, day, linked.visitToken(), EventType.TRANSFERRED_IN, actor));
          });
        });
      }));
    }));
  }

  /** Reverts an entry's most recent change (e.g. a mistaken no-show or completion). Transfers are not undone. */
  public Future<Entry> undo(UUID entryId, String actor) {
    return onEntry(entryId, (tx, q, e) -> store.lastTransition(tx.c, e.id()).compose(last -> {
      if (last == null || last.from() == null) {
        throw new QueueException.Conflict("There is nothing to undo for " + label(e) + ".");
      }
      if ("undo".equals(last.reason())) {
        throw new QueueException.Conflict("The last change of " + label(e) + " was already an undo.");
      }
      if (last.to() == Status.TRANSFERRED) {
        throw new QueueException.Conflict("A transfer cannot be undone; transfer the patient back instead.");
      }
      Entry reverted = e.withStatus(last.from(), tx.now, last.fromCalledTo());
      return store.updateEntryWithTransition(tx.c, e, reverted, tx.now, actor, "undo")
          .compose(v -> tx.emit(q.id(), EventType.UNDONE, reverted))
          .map(reverted);
    }));
  }

  /**
   * Announces a new order when time alone changed it (a patient passed the queue's maximum wait and was promoted).
   * Safe to call from every node at any rate: it emits a {@code reordered} event only if the order differs from the
   * last one announced.
   *
   * @return whether an event was emitted
   */
  public Future<Boolean> announceReorder(String queueId) {
    return inTransaction(tx -> tx.lock(queueId).compose(q -> tx.lineup(q).compose(lineup ->
        store.lastAnnouncedOrder(tx.c, q.id()).compose(announced -> {
          List<String> now = lineup.places().stream().map(p -> p.entry().id().toString()).toList();
          if (now.equals(announced)) return Future.succeededFuture(false);
          return tx.emit(q.id(), EventType.REORDERED, null).map(true);
        }))));
  }

  /** Every queue id, for periodic housekeeping such as {@link #announceReorder}. */
  public Future<List<String>> allQueueIds() {
    return store.queueIds(pool);
  }

  // --- commands inside a caller's transaction

  /**
   * Runs commands in one transaction together with the caller's own statements on {@link Batch#connection()}, for
   * modules whose rows must commit atomically with the queue change they cause (pms-sync's inbox). Events are
   * published only after the whole transaction commits; if the work fails, nothing of it is kept.
   */
  public <T> Future<T> inOneTransaction(Function<Batch, Future<T>> work) {
    return inTransaction(tx -> work.apply(new Batch(tx)));
  }

  /** The commands available inside {@link #inOneTransaction}; each locks the queue it changes. */
  public final class Batch {
    private final Tx tx;

    private Batch(Tx tx) {
      this.tx = tx;
    }

    /** The transaction's connection, for the caller's own tables. */
    public SqlConnection connection() {
      return tx.c;
    }

    public Future<Entry> entry(UUID entryId) {
      return store.entry(tx.c, entryId);
    }

    public Future<Entry> expect(String queueId, CheckIn in, String actor) {
      if (in.appointmentAt() == null) {
        return Future.failedFuture(new QueueException.Invalid("An expected patient needs an appointment time."));
      }
      return QueueCommands.this.expect(tx, queueId, in, actor).map(LinkedEntry::entry);
    }

    /** Locks these queues now, in id order, before changing several of them (no two batches wait on each other). */
    public Future<Void> lockQueues(Collection<String> queueIds) {
      return store.lockQueues(tx.c, queueIds);
    }

    /**
     * Announces many appointments of one queue, in the order given, each by the actor of the same index (several
     * sources may announce in one batch); with none, does nothing. The entries answered go with {@code ins} by index.
     */
    public Future<List<Entry>> expectAll(String queueId, List<CheckIn> ins, List<String> actors) {
      if (ins.isEmpty()) return Future.succeededFuture(List.of());
      return QueueCommands.this.expectAll(tx, queueId, ins, actors);
    }

    /** The entries among {@code ids} that exist, in no particular order: one statement however many, none for none. */
    public Future<List<Entry>> entries(Collection<UUID> ids) {
      return ids.isEmpty() ? Future.succeededFuture(List.of()) : store.entries(tx.c, ids);
    }

    public Future<Entry> reschedule(UUID entryId, Instant appointmentAt, Patient patient, String actor) {
      return QueueCommands.this.reschedule(tx, entryId, appointmentAt, patient, actor);
    }

    public Future<Entry> arrive(UUID entryId, String actor) {
      return QueueCommands.this.arrive(tx, entryId, actor).map(LinkedEntry::entry);
    }

    public Future<Entry> cancel(UUID entryId, String actor) {
      return onEntry(tx, entryId, (t, q, e) -> move(t, e, Status.CANCELLED, EventType.CANCELLED, actor));
    }

    public Future<Entry> noShow(UUID entryId, String actor) {
      return onEntry(tx, entryId, (t, q, e) -> move(t, e, Status.NO_SHOW, EventType.NO_SHOW, actor));
    }

    public Future<Entry> complete(UUID entryId, String actor) {
      return onEntry(tx, entryId, completing(actor));
    }
  }

  // --- reads

  /** A consistent view of a queue: settings, live entries and lineup as of the returned seq. */
  public Future<QueueSnapshot> snapshot(String queueId) {
    return pool.withTransaction(c -> repeatableRead(c).compose(v -> store.queueAtSite(c, queueId))
        .compose(at -> snapshot(c, at, clock.instant())));
  }

  private Future<QueueSnapshot> snapshot(SqlConnection c, QueueAtSite at, Instant now) {
    ServiceQueue q = at.queue();
    LocalDate today = LocalDate.ofInstant(now, at.site().zone());
    return store.activeEntries(c, q.id(), today).compose(entries ->
        recentHistory(c, q, now).compose(recent ->
            lineup(entries, recent.history(), at.rota().on(today, at.site().zone()), q, now)
                .map(lineup -> new QueueSnapshot(q, entries, lineup))));
  }

  /**
   * The queue's recent history as of {@code q}'s version, read in the same transaction (or snapshot) as {@code q}:
   * the one kept for that version, else read now and kept for it.
   */
  private Future<RecentHistories.Read> recentHistory(SqlConnection c, ServiceQueue q, Instant now) {
    RecentHistories.Read kept = histories.at(q.id(), q.version(), now);
    if (kept != null) return Future.succeededFuture(kept);
    return store.recentServices(c, q.id(), now).map(history -> {
      RecentHistories.Read read = new RecentHistories.Read(now, history);
      histories.keep(q.id(), q.version(), read);
      return read;
    });
  }

  private static Future<?> repeatableRead(SqlConnection c) {
    return c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute();
  }

  /** The lineup of a queue's entries as read (any status, any order), with its estimates (see below). */
  private Future<Lineup> lineup(List<Entry> entries, RecentHistory recent, List<QueueDay.Shift> rota, ServiceQueue q,
      Instant now) {
    return lineup(QueueDay.of(entries, q, recent.served(), recent.left(), rota, now));
  }

  /**
   * The lineup with its estimates, computed on a worker thread when called on a Vert.x context: an estimate may take
   * milliseconds (a simulation), too long for an event loop.
   */
  private Future<Lineup> lineup(QueueDay day) {
    Context context = Vertx.currentContext();
    if (context == null) return Future.succeededFuture(Lineup.of(day, estimator));
    return context.executeBlocking(() -> Lineup.of(day, estimator), false);
  }

  /** What a patient link may see; refuses links of ended visits or of another day. */
  public Future<VisitView> visit(String token) {
    return pool.withTransaction(c -> repeatableRead(c).compose(v -> store.visitAt(c, token)).compose(visit -> {
      Instant now = clock.instant();
      if (!visit.day().equals(LocalDate.ofInstant(now, visit.site().zone()))) {
        throw new QueueException.Gone(QueueException.Gone.Reason.LINK_EXPIRED,
            "This link was for " + visit.day() + " and has expired.");
      }
      if (visit.entry().status().isEnded()) {
        throw new QueueException.Gone(QueueException.Gone.Reason.VISIT_ENDED,
            "This visit has ended. Thank you for coming.");
      }
      return snapshot(c, new QueueAtSite(visit.queue(), visit.site(), visit.rota()), now).map(s ->
          new VisitView(visit.site(), s.queue(), visit.entry(), s.lineup().placeOf(visit.entry().id())));
    }));
  }

  public Future<Entry> entry(UUID id) {
    return store.entry(pool, id);
  }

  /** An entry with its patient link's token. */
  public Future<LinkedEntry> linkedEntry(UUID id) {
    return store.linkedEntry(pool, id);
  }

  /** The status changes of an entry, oldest first. */
  public Future<List<HistoryStep>> history(UUID id) {
    return store.history(pool, id).map(history -> {
      if (history.isEmpty()) throw new QueueException.NotFound("No entry with id '" + id + "'.");
      return history;
    });
  }

  public Future<String> visitToken(UUID entryId) {
    return store.visitToken(pool, entryId);
  }

  /** Now, by the clock the commands keep time with. */
  public Instant now() {
    return clock.instant();
  }

  public Future<Site> site(String id) {
    return store.site(pool, id);
  }

  public Future<List<Site>> sites() {
    return store.sites(pool);
  }

  public Future<ServiceQueue> queue(String id) {
    return store.queue(pool, id);
  }

  public Future<List<ServiceQueue>> queuesOfSite(String siteId) {
    return store.site(pool, siteId).compose(s -> store.queuesOfSite(pool, siteId));
  }

  /** The site's entries of its local today, optionally filtered by name, MRN, ticket or birth date. */
  public Future<List<Entry>> today(String siteId, String term) {
    return store.site(pool, siteId).compose(s ->
        store.entriesOfDay(pool, siteId, LocalDate.ofInstant(clock.instant(), s.zone()), term));
  }

  /**
   * Today's expected entries at a site (site time zone) for a patient named {@code name} (case and spacing ignored)
   * born on {@code birthDate}: what a self check-in kiosk looks up before {@link #arrive}.
   */
  public Future<List<Entry>> expectedToday(String siteId, String name, LocalDate birthDate) {
    return store.site(pool, siteId).compose(s ->
        store.expectedOfDay(pool, siteId, LocalDate.ofInstant(clock.instant(), s.zone()), name, birthDate));
  }

  /** Today's expected entry {@code entryId} at a site, if it is one: what a kiosk looks up from an appointment's QR code. */
  public Future<List<Entry>> expectedToday(String siteId, UUID entryId) {
    return store.site(pool, siteId).compose(s ->
        store.expectedOfDay(pool, siteId, LocalDate.ofInstant(clock.instant(), s.zone()), entryId));
  }

  /** Events after a seq, for clients catching up; at most {@code limit}. */
  public Future<List<QueueEvent>> eventsAfter(String queueId, long afterSeq, int limit) {
    return store.eventsAfter(pool, queueId, afterSeq, limit);
  }

  /**
   * A page of a queue's event log for a reader paging through it: as {@link #eventsAfter}, but cut before the event
   * that would take the payloads past {@code maxPayloadBytes} (of JSON), and never empty while events remain. What one
   * request reads stays bounded however long the line each event carries.
   */
  public Future<List<QueueEvent>> eventsPage(String queueId, long afterSeq, int limit, int maxPayloadBytes) {
    return store.eventsPage(pool, queueId, afterSeq, limit, maxPayloadBytes);
  }

  // --- machinery

  private interface EntryWork {
    Future<Entry> apply(Tx tx, ServiceQueue queue, Entry entry);
  }

  private Future<Entry> simpleMove(UUID entryId, Status target, EventType type, String actor) {
    return onEntry(entryId, (tx, q, e) -> move(tx, e, target, type, actor));
  }

  private Future<Entry> move(Tx tx, Entry e, Status target, EventType type, String actor) {
    tx.requireMove(e, target);
    String to = target == Status.CALLED || target == Status.IN_SERVICE ? e.calledTo() : null;
    return tx.change(e, e.withStatus(target, tx.now, to), type, actor, null);
  }

  /** Locks the entry's queue, reads the entry, runs the work. */
  private Future<Entry> onEntry(UUID entryId, EntryWork work) {
    return inTransaction(tx -> onEntry(tx, entryId, work));
  }

  private Future<Entry> onEntry(Tx tx, UUID entryId, EntryWork work) {
    return tx.lockQueueOf(entryId).compose(q -> store.datedEntry(tx.c, entryId).compose(dated -> {
      tx.entryDays.put(entryId, dated.day());
      return work.apply(tx, q, dated.entry());
    }));
  }

  private <T> Future<T> inTransaction(Function<Tx, Future<T>> work) {
    List<Tx> committed = new ArrayList<>(1);
    return withTransaction(c -> {
      Tx tx = new Tx(c, clock.instant().truncatedTo(ChronoUnit.MICROS)); // PostgreSQL keeps microseconds
      // the before-commit work goes out right behind the event's append, without waiting for it
      return work.apply(tx).compose(result -> tx.confirmed(hooked(c, tx.lastEntry, result)), tx::failure)
          .map(result -> {
            committed.add(tx);
            tx.committing();
            return result;
          });
    }).onSuccess(result -> committed.forEach(tx -> {
      tx.keepReads();
      tx.events.forEach(this::publish);
    })).onFailure(err -> committed.forEach(Tx::notCommitted));
  }

  /**
   * {@link Pool#withTransaction}, except that BEGIN goes out with the command's first statement instead of being waited
   * for: a round trip less per command. BEGIN fails only with its connection, and then so does every statement behind
   * it.
   */
  private <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(c -> {
      Future<Transaction> begun = c.begin();
      Future<T> done;
      try {
        done = work.apply(c);
      } catch (RuntimeException e) { // a batch's work may throw: the connection still goes back
        done = Future.failedFuture(e);
      }
      return done.compose(result -> begun.compose(Transaction::commit).map(result),
              err -> begun.compose(Transaction::rollback).transform(v -> Future.<T>failedFuture(err)))
          .onComplete(ended -> c.close());
    });
  }

  /**
   * Hands one committed event to the listeners; one that throws costs neither the command's answer nor the other
   * events (listeners that missed it fill the gap from the event log at the next one).
   */
  private void publish(QueueEvent event) {
    try {
      publisher.publish(event);
    } catch (RuntimeException e) {
      LOG.warn("Publishing event {} of queue {} failed after commit (it stays in the event log): {}", event.seq(),
          event.queueId(), e.toString());
    }
  }

  /** Runs the before-commit hook, if any, then answers {@code result}. */
  private <T> Future<T> hooked(SqlConnection c, Entry entry, T result) {
    return beforeCommit == null ? Future.succeededFuture(result) : beforeCommit.run(c, entry).map(result);
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static <T> Function<Throwable, Future<T>> duplicate(String message) {
    return err -> {
      if (err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return Future.failedFuture(new QueueException.Conflict(message));
      }
      return Future.failedFuture(err);
    };
  }

  static String label(Entry e) {
    return e.ticket() != null ? "ticket " + e.ticket() : "the expected patient";
  }

  static String describe(Entry e) {
    String state = switch (e.status()) {
      case EXPECTED -> "is expected but not checked in";
      case WAITING -> "is waiting";
      case CALLED -> "has been called" + (e.calledTo() == null ? "" : " to " + e.calledTo());
      case IN_SERVICE -> "is being seen";
      case COMPLETED -> "has completed the visit";
      case NO_SHOW -> "was marked as a no-show";
      case CANCELLED -> "was cancelled";
      case LEFT -> "has left";
      case TRANSFERRED -> "was transferred to another queue";
    };
    String l = label(e);
    return Character.toUpperCase(l.charAt(0)) + l.substring(1) + " " + state;
  }

  static String action(Status target) {
    return switch (target) {
      case EXPECTED -> "expected";
      case WAITING -> "put back in the waiting line";
      case CALLED -> "called";
      case IN_SERVICE -> "started";
      case COMPLETED -> "completed";
      case NO_SHOW -> "marked as a no-show";
      case CANCELLED -> "cancelled";
      case LEFT -> "marked as left";
      case TRANSFERRED -> "transferred";
    };
  }

  /** One transaction's state: locked queues, the time of the command, and events to append. */
  private final class Tx {
    final SqlConnection c;
    /**
     * When the change happens. Read again each time a queue is locked, so that arrival times follow the order in
     * which concurrent commands got the lock, the same order in which they drew their tickets.
     */
    Instant now;
    final List<QueueEvent> events = new ArrayList<>();
    /**
     * Writes sent without waiting for their answers (entry changes, event appends), in the order sent: later
     * statements go out behind them on the same connection, and the transaction commits only once they all succeeded.
     */
    final List<Future<Void>> unanswered = new ArrayList<>(3);
    final Map<String, Held> locked = new HashMap<>();
    /** The entry created or changed last, for the before-commit hook. */
    Entry lastEntry;
    /**
     * The local day of each entry this transaction read with its day or put on a day: what tells a change to another
     * day's appointment (a running-late, a cancellation) from one of the day whose lineup inputs are held.
     */
    final Map<UUID, LocalDate> entryDays = new HashMap<>(4);
    /** What this transaction promised to keep for the versions it commits, by queue (see {@link #committing}). */
    private final Map<String, Committing> committing = new HashMap<>(2);

    Tx(SqlConnection c, Instant now) {
      this.c = c;
      this.now = now;
    }

    Future<ServiceQueue> lock(String queueId) {
      return hold(store.lockQueueAtSite(c, queueId));
    }

    /** Locks the queue of an entry, without reading the entry first (it is read once the lock is held). */
    Future<ServiceQueue> lockQueueOf(UUID entryId) {
      return hold(store.lockQueueOfEntry(c, entryId));
    }

    private Future<ServiceQueue> hold(Future<QueueAtSite> locking) {
      return locking.map(at -> {
        // a queue locked before in this transaction (a batch changing it twice) keeps what this transaction did to it
        Held before = locked.putIfAbsent(at.queue().id(), new Held(at.queue(), at.site(), at.rota()));
        if (before != null) return before.queue;
        Instant granted = clock.instant();
        if (granted.isAfter(now)) now = granted;
        return at.queue();
      });
    }

    private Held held(String queueId) {
      Held h = locked.get(queueId);
      if (h == null) throw new IllegalStateException("queue " + queueId + " is not locked by this command");
      return h;
    }

    Site site(ServiceQueue q) {
      return held(q.id()).site;
    }

    LocalDate today(ServiceQueue q) {
      return LocalDate.ofInstant(now, site(q).zone());
    }

    /** Puts a visit on local day {@code day} (an arrival takes the day it arrives on). */
    Future<Void> moveToDay(UUID entryId, LocalDate day) {
      entryDays.put(entryId, day);
      return store.updateTicketDay(c, entryId, day);
    }

    Future<String> allocateTicket(ServiceQueue q, LocalDate day) {
      return store.nextTicket(c, q.id(), q.ticketPrefix(), day);
    }

    /**
     * The queue's lineup now, with estimates; what they need of the queue's entries (see
     * {@link QueueStore#lineupInputs}) is read once per transaction and then kept up to date here.
     */
    Future<Lineup> lineup(ServiceQueue q) {
      return read(q).compose(h -> {
        RecentHistory recent = h.recent.history();
        return QueueCommands.this.lineup(QueueDay.of(h.live.expected(), h.live.present(), h.queue, recent.served(),
            recent.left(), h.rota.on(today(q), h.site.zone()), now));
      });
    }

    /** The queue's waiting entries in calling order now: what picking the next patient needs, without estimates. */
    Future<List<Entry>> callingOrder(ServiceQueue q) {
      return read(q).map(h -> QueueOrdering.order(h.live.present(), h.queue.rule(), now));
    }

    private Future<Held> read(ServiceQueue q) {
      Held h = held(q.id());
      if (h.live != null) return Future.succeededFuture(h);
      // the history kept for the version this transaction locked, if any (once the transaction that committed it
      // has kept it); else it is read (sent together with the lineup's read, both on this connection) and kept after
      // commit by keepReads; likewise the lineup's inputs, to which this transaction's changes so far are applied
      LocalDate day = today(q);
      Future<RecentHistories.Read> keptHistory = histories.awaited(q.id(), h.lockedVersion, now);
      Future<KeptLineupInputs.Inputs> keptInputs = lineupInputs.awaited(q.id(), h.lockedVersion, day);
      return Future.all(keptHistory, keptInputs).compose(both -> {
        RecentHistories.Read kept = keptHistory.result();
        Future<RecentHistories.Read> recent = kept != null ? Future.succeededFuture(kept)
            : store.recentServices(c, q.id(), now).map(history -> new RecentHistories.Read(now, history));
        KeptLineupInputs.Inputs keptDay = keptInputs.result();
        Future<LiveInputs> inputs = keptDay != null
            ? Future.succeededFuture(LiveInputs.kept(keptDay.expected(), keptDay.present()))
            : store.lineupInputs(c, q.id(), day).map(LiveInputs::read);
        return inputs.compose(live -> recent.map(read -> {
          h.readLive(live, day, keptDay != null);
          h.recent = read;
          return h;
        }));
      });
    }

    /**
     * Before COMMIT: each queue this transaction changed is being committed at its new version, so a command that
     * locks that version before {@link #keepReads} ran waits for what it keeps (see {@link KeptPerVersion#committing}).
     */
    void committing() {
      locked.forEach((queueId, h) -> {
        if (h.queue.version() == h.lockedVersion) return;
        committing.put(queueId, new Committing(histories.committing(queueId, h.queue.version()),
            lineupInputs.committing(queueId, h.queue.version())));
      });
    }

    /** The transaction did not commit: what it was committing keeps nothing. */
    void notCommitted() {
      committing.values().forEach(Committing::settleUnkept);
    }

    /**
     * After commit: each queue's history and lineup inputs go on to the version committed, when this transaction read
     * them and made only changes that leave them as they were (the history) or that it applied to them (the inputs);
     * otherwise they are read again by the queue's next command.
     */
    void keepReads() {
      try {
        locked.forEach((queueId, h) -> {
          Committing promised = committing.get(queueId);
          if (h.recent != null && h.historyUnchanged) {
            histories.keep(queueId, h.queue.version(), h.recent);
            if (promised != null) promised.history().tryComplete(h.recent);
          } else if (!h.historyUnchanged) {
            histories.forget(queueId);
          }
          if (h.live != null && h.inputsCarried) {
            KeptLineupInputs.Inputs inputs = KeptLineupInputs.Inputs.among(h.liveDay, h.live);
            lineupInputs.keep(queueId, h.queue.version(), inputs);
            if (promised != null) promised.inputs().tryComplete(inputs);
          } else if (!h.inputsCarried) {
            lineupInputs.forget(queueId);
          }
        });
      } finally {
        notCommitted(); // whatever was not kept above (a waiting command then reads it)
      }
    }

    /** {@code last}'s result once it and every write sent before it succeeded; else the first failure. */
    <T> Future<T> confirmed(Future<T> last) {
      return Pipelined.after(unanswered, last);
    }

    /**
     * The command failed with {@code err}: the first write sent without waiting that failed, if one did (what went out
     * after it failed only because it aborted the transaction, and answers come back in order), else {@code err}.
     */
    <T> Future<T> failure(Throwable err) {
      for (Future<Void> write : unanswered) if (write.failed()) return Future.failedFuture(write.cause());
      return Future.failedFuture(err);
    }

    void requireMove(Entry e, Status target) {
      if (!e.status().canMoveTo(target)) {
        throw new QueueException.Conflict(describe(e) + " and cannot be " + action(target) + ".");
      }
    }

    Future<Void> reassignToken(UUID entryId, String token) {
      return store.setVisitToken(c, entryId, token);
    }

    Future<LinkedEntry> create(Entry e, LocalDate day, String token, EventType type, String actor) {
      unanswered.add(store.insertEntryWithTransition(c, e, day, token, now, actor, type.wire()));
      return emitOn(e.queueId(), type, e, day).map(new LinkedEntry(e, token));
    }

    /** Creates {@code e} (without a ticket yet) with the next ticket of queue {@code q}'s day, in one statement. */
    Future<LinkedEntry> createTicketed(ServiceQueue q, Entry e, LocalDate day, String token, EventType type,
        String actor) {
      return store.insertEntryWithTicket(c, e, q.ticketPrefix(), day, token, now, actor, type.wire()).compose(t -> {
        Entry ticketed = new Entry(e.id(), e.queueId(), t, e.patient(), e.priority(), e.appointmentAt(),
            e.appointmentRef(), e.placeAt(), e.status(), e.statusSince(), e.calledTo(), e.runningLate(),
            e.transferredFrom());
        return emitOn(e.queueId(), type, ticketed, day).map(new LinkedEntry(ticketed, token));
      });
    }

    /**
     * Writes the change and works out its event's lineup at once (the estimates run on a worker while the statement
     * is out): the lineup needs the changed entry, not its row.
     */
    Future<Entry> change(Entry before, Entry after, EventType type, String actor, String reason) {
      unanswered.add(store.updateEntryWithTransition(c, before, after, now, actor, reason));
      return emit(after.queueId(), type, after).map(after);
    }

    /** Writes a locked queue's settings and announces them; answers the queue as of that event. */
    Future<ServiceQueue> changeSettings(ServiceQueue q, boolean paused, int staffOnDuty, EventType type) {
      return store.updateQueueSettings(c, q.id(), paused, staffOnDuty).compose(v -> {
        held(q.id()).queue = new ServiceQueue(q.id(), q.siteId(), q.name(), q.ticketPrefix(), q.rule(),
            q.defaultServiceSeconds(), paused, staffOnDuty, q.version());
        return emit(q.id(), type, null);
      });
    }

    /** Writes a locked queue's rota and announces the estimates it gives. */
    Future<ServiceQueue> changeRota(ServiceQueue q, Rota rota) {
      return store.replaceRota(c, q.id(), rota).compose(v -> {
        held(q.id()).rota = rota;
        return emit(q.id(), EventType.ROTA_CHANGED, null);
      });
    }

    /** The locked queue, noted as changed by an event of {@code type}: what its kept reads can still stand for. */
    private Held changed(String queueId, EventType type) {
      Held held = held(queueId);
      if (!histories.keptBy(type)) held.historyUnchanged = false;
      if (!lineupInputs.keptBy(type)) held.inputsCarried = false;
      return held;
    }

    /**
     * Appends the next event of a locked queue, with the lineup as it is after the change to {@code entry} (already
     * written; it stays on its local day); answers the queue as of that event.
     */
    Future<ServiceQueue> emit(String queueId, EventType type, Entry entry) {
      return emitOn(queueId, type, entry, null);
    }

    /** As {@link #emit}, for a change that puts {@code entry} on local day {@code day} (null: it stays on its own). */
    Future<ServiceQueue> emitOn(String queueId, EventType type, Entry entry, LocalDate day) {
      Held held = changed(queueId, type);
      if (entry != null) {
        lastEntry = entry;
        if (day != null) entryDays.put(entry.id(), day);
        held.put(entry, entryDays.get(entry.id()));
      }
      return lineup(held.queue).map(lineup -> {
        ServiceQueue q = held.queue;
        long seq = q.version() + 1;
        QueueEvent event = new QueueEvent(q.id(), q.siteId(), seq, type, QueueEventPayload.after(entry, lineup, q, seq),
            now);
        events.add(event);
        held.queue = new ServiceQueue(q.id(), q.siteId(), q.name(), q.ticketPrefix(), q.rule(),
            q.defaultServiceSeconds(), q.paused(), q.staffOnDuty(), seq);
        unanswered.add(store.appendEvent(c, event, publisher.notice(event)));
        return held.queue;
      });
    }

    /**
     * Appends one event per entry (already written, on the local day of the same index) of a locked queue, in order,
     * all with the lineup as it is after the last of them: for changes that do not touch the waiting line, where that
     * lineup is each one's lineup.
     */
    Future<Void> emitAll(String queueId, EventType type, List<Entry> entries, List<LocalDate> days) {
      Held held = changed(queueId, type);
      for (int i = 0; i < entries.size(); i++) held.put(entries.get(i), days.get(i));
      lastEntry = entries.get(entries.size() - 1);
      return lineup(held.queue).map(lineup -> {
        ServiceQueue q = held.queue;
        List<QueueEvent> appended = new ArrayList<>(entries.size());
        long seq = q.version();
        for (Entry entry : entries) {
          seq++;
          appended.add(new QueueEvent(q.id(), q.siteId(), seq, type, QueueEventPayload.after(entry, lineup, q, seq),
              now));
        }
        events.addAll(appended);
        held.queue = new ServiceQueue(q.id(), q.siteId(), q.name(), q.ticketPrefix(), q.rule(),
            q.defaultServiceSeconds(), q.paused(), q.staffOnDuty(), seq);
        // one notice for them all, naming the last: another node reads that event, and its listeners fill the seqs
        // before it from the event log, as after any notice they missed
        unanswered.add(store.appendEvents(c, appended, publisher.notice(appended.get(appended.size() - 1))));
        return null;
      });
    }
  }

  /** A committing transaction's promises of the history and lineup inputs it keeps for one queue's new version. */
  private record Committing(Promise<RecentHistories.Read> history, Promise<KeptLineupInputs.Inputs> inputs) {
    /** Nothing (more) is kept: commands waiting for either read it themselves. */
    void settleUnkept() {
      history.tryComplete(null);
      inputs.tryComplete(null);
    }
  }

  /**
   * A queue whose row lock a transaction holds: the row as this transaction has changed it, its site and rota (read
   * with the lock), and once read, its live entries and recent history (a queue's entries and rota change only
   * under its lock, so they stay exact).
   */
  private static final class Held {
    ServiceQueue queue;
    /** The queue's version when the lock was granted: the committed state this transaction started from. */
    final long lockedVersion;
    final Site site;
    Rota rota;
    /** The lineup's inputs of {@link #liveDay}. */
    LiveInputs live;
    LocalDate liveDay;
    /** Changes this transaction made before {@link #live} was read. */
    final List<Change> changedBeforeRead = new ArrayList<>(1);
    RecentHistories.Read recent;
    /** Whether every change this transaction made to the queue leaves its recent history as it was. */
    boolean historyUnchanged = true;
    /** Whether every change this transaction made to the queue is one the kept lineup inputs can carry. */
    boolean inputsCarried = true;

    Held(ServiceQueue queue, Site site, Rota rota) {
      this.queue = queue;
      this.lockedVersion = queue.version();
      this.site = site;
      this.rota = rota;
    }

    /**
     * The lineup's inputs of {@code day}: read from the database (which has this transaction's changes) or kept
     * from an earlier command (which has not: they are applied here).
     */
    void readLive(LiveInputs inputs, LocalDate day, boolean kept) {
      live = inputs;
      liveDay = day;
      if (kept) changedBeforeRead.forEach(change -> put(change.entry, change.day));
      changedBeforeRead.clear();
    }

    /**
     * Applies a created or changed entry to the lineup's inputs, or keeps it until they are read. An entry put on
     * another local day is not among them (a new appointment of another day, or one moved away); {@code day} null
     * means the transaction does not know the entry's day, which is then the held one (the entry a call picks from
     * the inputs: every command that reads an entry of possibly another day reads its day with it).
     */
    void put(Entry changed, LocalDate day) {
      if (live == null) {
        changedBeforeRead.add(new Change(changed, day));
      } else if (day == null || day.equals(liveDay)) {
        live.put(changed);
      } else {
        live.remove(changed.id());
      }
    }

    private record Change(Entry entry, LocalDate day) {}
  }
}
