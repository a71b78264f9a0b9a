package io.waitline.sync.pipeline;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.Status;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.DeadLetter;
import io.waitline.sync.store.SyncStore.SyncedAppointment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;

/**
 * The one pipeline every source kind feeds. A record version is applied in one transaction together with its inbox
 * row: the same version twice changes nothing, an older version after a newer one is ignored, and a record that
 * cannot be applied goes to dead letters without holding up the records after it.
 *
 * <p>Conflict policy: a source never removes or moves a patient who has arrived, been called or been seen; such a
 * change is recorded as a conflict (shown to staff) instead.
 */
public final class Pipeline {
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final QueueCommands commands;
  private final SyncStore store;
  private final PatientMatcher matcher;
  private final Clock clock;
  private final WorkerExecutor workers;
  private final VisitAmounts amounts;

  /**
   * @param workers where records are read (parsing a source's format is CPU work kept off the event loop)
   * @param amounts where appointments' own co-pays go; null on a server without payments (they are then ignored)
   */
  public Pipeline(QueueCommands commands, SyncStore store, Clock clock, WorkerExecutor workers,
      VisitAmounts amounts) {
    this.commands = commands;
    this.store = store;
    this.matcher = new PatientMatcher(store);
    this.clock = clock;
    this.workers = workers;
    this.amounts = amounts;
  }

  /** What one record did, with the sentence staff see for conflicts and dead letters. */
  public record Result(Outcome outcome, String detail, UUID entryId) {}

  /** Applies a newly received record version. */
  public Future<Result> receive(Source source, ReceivedRecord record, RecordReader reader) {
    return apply(source, record, reader, false).recover(err -> deadLetter(source, record, err));
  }

  /**
   * Applies a dead letter again, with the source's current mapping. If it still cannot be applied, it stays a dead
   * letter with the new reason.
   */
  public Future<Result> replay(Source source, DeadLetter dead, RecordReader reader) {
    ReceivedRecord record = new ReceivedRecord(dead.externalId(), dead.version(), dead.versionOrder(), dead.payload());
    return apply(source, record, reader, true)
        .compose(r -> commands.inOneTransaction(b -> store.markReplayed(b.connection(), dead.id(), clock.instant()))
            .map(r))
        .recover(err -> {
          String reason = reasonOf(err);
          if (reason == null) return Future.failedFuture(err);
          return commands.inOneTransaction(b -> store.updateDeadLetterReason(b.connection(), dead.id(), reason))
              .map(new Result(Outcome.DEAD, reason, null));
        });
  }

  /**
   * Marks an appointment the source no longer has (found by a full reconcile) as cancelled at the source, under the
   * same conflict policy as a cancellation.
   */
  public Future<Result> deleted(Source source, String externalId) {
    Instant now = clock.instant();
    return commands.inOneTransaction(b -> store.lockRecord(b.connection(), source.id(), externalId)
        .compose(v -> store.appointment(b.connection(), source.id(), externalId))
        .compose(synced -> {
          if (synced == null || synced.deleted()) return Future.succeededFuture(new Result(Outcome.UNCHANGED, null, null));
          String version = "deleted@" + now;
          Future<Result> effect = synced.entryId() == null
              ? Future.succeededFuture(new Result(Outcome.APPLIED, null, null))
              : b.entry(synced.entryId()).compose(e -> cancel(b, source, e, "deleted the appointment"));
          return effect.compose(r -> store.putAppointment(b.connection(), source.id(), externalId,
                  new SyncedAppointment(synced.version(), synced.versionOrder(), synced.startAt(), synced.entryId(),
                      synced.patientId(), true))
              .compose(v -> store.putInbox(b.connection(), source.id(), externalId, version, "-", now,
                  r.outcome().wire(), r.detail()))
              .map(r));
        }));
  }

  private Future<Result> apply(Source source, ReceivedRecord record, RecordReader reader, boolean replay) {
    // read first, off the event loop; an unreadable record is dead-lettered only if it is not a duplicate
    return workers.executeBlocking(() -> {
      try {
        return (Object) reader.read(record, source.mapping());
      } catch (RecordReader.Unreadable u) {
        return u;
      }
    }, false).compose(read -> apply(source, record, read, replay));
  }

  private Future<Result> apply(Source source, ReceivedRecord record, Object read, boolean replay) {
    Instant now = clock.instant();
    return commands.inOneTransaction(b -> store.lockRecord(b.connection(), source.id(), record.externalId())
        .compose(v -> replay ? Future.succeededFuture(false)
            : store.inboxHas(b.connection(), source.id(), record.externalId(), record.version()))
        .compose(seen -> {
          if (seen) return Future.succeededFuture(new Result(Outcome.DUPLICATE, null, null));
          return store.appointment(b.connection(), source.id(), record.externalId()).compose(synced -> {
            if (synced != null && record.versionOrder() < synced.versionOrder()) {
              String detail = "Version " + record.version() + " is older than version " + synced.version()
                  + " already applied.";
              return store.putInbox(b.connection(), source.id(), record.externalId(), record.version(),
                  record.payloadHash(), now, Outcome.STALE.wire(), detail)
                  .map(new Result(Outcome.STALE, detail, synced.entryId()));
            }
            if (read instanceof RecordReader.Unreadable u) throw u;
            SourceAppointment a = (SourceAppointment) read;
            return effect(b, source, record, a, synced, now).compose(r -> store.putInbox(b.connection(), source.id(),
                    record.externalId(), record.version(), record.payloadHash(), now, r.outcome().wire(), r.detail())
                .map(r));
          });
        }));
  }

  /** Matches the patient, picks the queue, changes the entry, and remembers the version applied. */
  private Future<Result> effect(QueueCommands.Batch b, Source source, ReceivedRecord record, SourceAppointment given,
      SyncedAppointment synced, Instant now) {
    // a version without a start (an HL7 A08 carries only patient details) keeps the start the last version gave
    SourceAppointment a = given.start() != null || synced == null ? given
        : new SourceAppointment(given.visit(), synced.startAt(), given.keys(), given.patient(), given.copay());
    if (a.patient() == null) {
      throw new RecordReader.Unreadable("The appointment names no patient that could be read.");
    }
    String queueId = source.mapping().queueFor(a.keys());
    if (queueId == null) {
      throw new RecordReader.Unreadable("No queue is mapped for this appointment (" + describeKeys(a)
          + ") and the mapping has no defaultQueue.");
    }
    return matcher.match(b.connection(), source, record.externalId(), a.patient(), synced, now)
        .compose(patientId -> (synced == null || synced.entryId() == null ? Future.<Entry>succeededFuture(null)
            : b.entry(synced.entryId()))
            .compose(entry -> change(b, source, record, a, queueId, entry))
            .compose(r -> copay(b, source, a, r))
            .compose(r -> store.putAppointment(b.connection(), source.id(), record.externalId(),
                    new SyncedAppointment(record.version(), record.versionOrder(), a.start(), r.entryId(), patientId,
                        false))
                .map(r)));
  }

  /**
   * Keeps the visit's co-pay as the appointment now says (set, changed, or removed when it no longer carries one),
   * when the mapping reads co-pays and the change was applied; a conflict leaves everything as it was.
   */
  private Future<Result> copay(QueueCommands.Batch b, Source source, SourceAppointment a, Result r) {
    if (amounts == null || !source.mapping().readsCopay() || r.entryId() == null
        || r.outcome() == Outcome.CONFLICT) {
      return Future.succeededFuture(r);
    }
    return amounts.apply(b.connection(), source.siteId(), r.entryId(), a.copay(), source.actor()).map(r);
  }

  private Future<Result> change(QueueCommands.Batch b, Source source, ReceivedRecord record, SourceAppointment a,
      String queueId, Entry entry) {
    Patient patient = patient(source, a.patient());
    String ref = source.id() + ":" + record.externalId();
    String actor = source.actor();
    return switch (a.visit()) {
      case EXPECTED -> {
        if (entry == null) yield expect(b, queueId, a, patient, ref, actor);
        if (entry.status() == Status.EXPECTED) {
          if (!entry.queueId().equals(queueId)) {
            yield b.cancel(entry.id(), actor).compose(x -> expect(b, queueId, a, patient, ref, actor));
          }
          if (Objects.equals(entry.appointmentAt(), a.start()) && entry.patient().equals(patient)) {
            yield unchanged(entry);
          }
          yield b.reschedule(entry.id(), a.start(), patient, actor).map(e -> applied(e));
        }
        if (!entry.queueId().equals(queueId) || !Objects.equals(entry.appointmentAt(), a.start())) {
          yield conflict(entry, "moved the appointment to " + at(a.start()) + (entry.queueId().equals(queueId)
              ? "" : " in queue " + queueId));
        }
        yield unchanged(entry);
      }
      case ARRIVED -> {
        if (entry == null) {
          yield expect(b, queueId, a, patient, ref, actor).compose(r -> b.arrive(r.entryId(), actor)).map(this::applied);
        }
        boolean neverArrived = entry.status() == Status.NO_SHOW && entry.ticket() == null;
        if (entry.status() == Status.EXPECTED || neverArrived) yield b.arrive(entry.id(), actor).map(this::applied);
        yield unchanged(entry);
      }
      case CANCELLED -> entry == null ? Future.succeededFuture(new Result(Outcome.APPLIED, null, null))
          : cancel(b, source, entry, "cancelled the appointment");
      case NO_SHOW -> {
        if (entry == null || entry.status() == Status.NO_SHOW || entry.status().isEnded()) yield unchanged(entry);
        if (entry.status() == Status.EXPECTED) yield b.noShow(entry.id(), actor).map(this::applied);
        yield conflict(entry, "marked the patient a no-show");
      }
      case FULFILLED -> {
        if (entry == null || entry.status().isEnded()) yield unchanged(entry);
        if (entry.status() == Status.IN_SERVICE) yield b.complete(entry.id(), actor).map(this::applied);
        yield conflict(entry, "says the visit took place");
      }
    };
  }

  private Future<Result> cancel(QueueCommands.Batch b, Source source, Entry entry, String what) {
    if (entry.status() == Status.EXPECTED || entry.status() == Status.NO_SHOW) {
      return b.cancel(entry.id(), source.actor()).map(this::applied);
    }
    if (entry.status().isEnded()) return unchanged(entry);
    return conflict(entry, what);
  }

  private Future<Result> expect(QueueCommands.Batch b, String queueId, SourceAppointment a, Patient patient,
      String ref, String actor) {
    if (a.start() == null) {
      throw new RecordReader.Unreadable("The appointment has no start time, so it cannot be expected in a queue.");
    }
    return b.expect(queueId, new CheckIn(patient, Priority.NORMAL, a.start(), ref), actor).map(this::applied);
  }

  private Result applied(Entry e) {
    return new Result(Outcome.APPLIED, null, e.id());
  }

  private Future<Result> unchanged(Entry e) {
    return Future.succeededFuture(new Result(Outcome.UNCHANGED, null, e == null ? null : e.id()));
  }

  private Future<Result> conflict(Entry e, String what) {
    String who = e.ticket() != null ? "Ticket " + e.ticket() : e.patient().name();
    String state = switch (e.status()) {
      case WAITING -> "has arrived";
      case CALLED -> "has been called";
      case IN_SERVICE -> "is being seen";
      case COMPLETED -> "has been seen";
      default -> "is " + e.status().wire().replace('_', ' ');
    };
    return Future.succeededFuture(new Result(Outcome.CONFLICT,
        who + " " + state + "; the source " + what + ", which was not applied.", e.id()));
  }

  private Patient patient(Source source, SourcePatient p) {
    return new Patient(p.name(), p.birthDate(), p.identifier(source.mapping().mrnSystem()), p.phone(), p.email());
  }

  private Future<Result> deadLetter(Source source, ReceivedRecord record, Throwable err) {
    String reason = reasonOf(err);
    if (reason == null) return Future.failedFuture(err);
    Instant now = clock.instant();
    return commands.inOneTransaction(b -> store.putInbox(b.connection(), source.id(), record.externalId(),
            record.version(), record.payloadHash(), now, Outcome.DEAD.wire(), reason)
        .compose(v -> store.insertDeadLetter(b.connection(), new DeadLetter(UUID.randomUUID(), source.id(),
            record.externalId(), record.version(), record.versionOrder(), record.payload(), reason, now, null))))
        .map(new Result(Outcome.DEAD, reason, null));
  }

  /** The sentence for a record that cannot be applied, or null for a failure that is not the record's fault. */
  private static String reasonOf(Throwable err) {
    if (err instanceof RecordReader.Unreadable u) return u.getMessage();
    if (err instanceof QueueException q && !(q instanceof QueueException.Gone)) return q.getMessage();
    return null;
  }

  private static String describeKeys(SourceAppointment a) {
    if (a.keys().isEmpty()) return "it names no location, practitioner or service";
    StringBuilder sb = new StringBuilder();
    a.keys().forEach(k -> sb.append(sb.length() == 0 ? "" : ", ").append(k.kind()).append(' ').append(k.value()));
    return sb.toString();
  }

  private static String at(Instant t) {
    return t == null ? "no time" : HH_MM.format(t.atOffset(ZoneOffset.UTC)) + " UTC";
  }
}
