package io.waitline.sync.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.SqlConnection;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.QueueException;
import io.waitline.queue.Status;
import io.waitline.queue.command.CheckIn;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.sql.Pipelined;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.DeadLetter;
import io.waitline.sync.store.SyncStore.RecordKey;
import io.waitline.sync.store.SyncStore.SyncedAppointment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pipeline every source kind feeds. A record version is applied in one transaction together with its inbox
 * row: the same version twice changes nothing, an older version after a newer one is ignored, and a record that
 * cannot be applied goes to dead letters without holding up the records after it.
 *
 * <p>Conflict policy: a source never removes or moves a patient who has arrived, been called or been seen; such a
 * change is recorded as a conflict (shown to staff) instead.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  public static final String NO_START = "The appointment has no start time, so it cannot be expected in a queue.";
  /** The longest patient name a record may carry: the most the desk's check-in takes. */
  static final int MAX_NAME = 200;
  /** The most records {@link #receiveAll} applies in one transaction. */
  public static final int BATCH = 500;

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
   * Applies newly received record versions as {@link #receive} would apply them one after the other, up to
   * {@link #BATCH} records per transaction with set-based statements. A record that cannot be applied goes to dead
   * letters without failing the others; a chunk that fails otherwise (a deadlock, an amount the site refuses) is
   * applied again record by record, so a surprise costs only its own record.
   *
   * @return what each record did, by index
   */
  public Future<List<Result>> receiveAll(Source source, List<ReceivedRecord> records, RecordReader reader) {
    List<Result> results = new ArrayList<>(records.size());
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < records.size(); from += BATCH) {
      List<ReceivedRecord> chunk = records.subList(from, Math.min(records.size(), from + BATCH));
      chain = chain.compose(v -> receiveChunk(source, chunk, reader)).map(applied -> {
        results.addAll(applied);
        return null;
      });
    }
    return chain.map(v -> results);
  }

  private Future<List<Result>> receiveChunk(Source source, List<ReceivedRecord> chunk, RecordReader reader) {
    return readChunk(source, chunk, reader).compose(reads -> applyOrFallBack(source, chunk, reads));
  }

  /** The chunk read and hashed, split in two halves read at once. */
  private Future<List<Read>> readChunk(Source source, List<ReceivedRecord> chunk, RecordReader reader) {
    int half = chunk.size() / 2;
    Future<List<Read>> first = readAll(source, chunk.subList(0, half), reader);
    Future<List<Read>> second = readAll(source, chunk.subList(half, chunk.size()), reader);
    return Future.all(first, second).map(both -> {
      List<Read> reads = new ArrayList<>(first.result());
      reads.addAll(second.result());
      return reads;
    });
  }

  /** The chunk in one transaction of its own or, when that fails as a whole, record by record. */
  private Future<List<Result>> applyOrFallBack(Source source, List<ReceivedRecord> chunk, List<Read> reads) {
    return new Chunk(source, chunk, reads).apply().recover(err -> {
      LOG.warn("A batch of {} records of {} failed ({}); applying them one by one", chunk.size(), source,
          err.toString());
      return oneByOne(source, chunk, reads, 0, new ArrayList<>(chunk.size()));
    });
  }

  /** A record received from a source, to be applied with others in {@link #receiveTogether}. */
  public record Received(Source source, ReceivedRecord record, RecordReader reader) {}

  /**
   * Applies records of several sources (messages pushed on several connections) in ONE transaction with one round of
   * statements for all of them, as {@link #receiveAll} applies a chunk, as if they had come one by one in the order
   * given. At most {@link #BATCH} records. When that transaction fails as a whole, each source's records are applied
   * again in a transaction of their own and then record by record, so every record gets the result it would have got
   * alone.
   *
   * @return the result of each record, by index; one fails only when the record could not be applied at all (e.g.
   *     the database is unreachable)
   */
  public List<Future<Result>> receiveTogether(List<Received> received) {
    if (received.size() > BATCH) throw new IllegalArgumentException("at most " + BATCH + " records at once");
    Map<UUID, List<Integer>> bySource = new LinkedHashMap<>();
    for (int i = 0; i < received.size(); i++) {
      bySource.computeIfAbsent(received.get(i).source().id(), id -> new ArrayList<>()).add(i);
    }
    List<Group> groups = new ArrayList<>();
    for (List<Integer> indexes : bySource.values()) {
      Received first = received.get(indexes.get(0));
      List<ReceivedRecord> records = indexes.stream().map(i -> received.get(i).record()).toList();
      groups.add(new Group(first.source(), indexes, records,
          readChunk(first.source(), records, first.reader())));
    }
    Future<List<Result>> together = Future.all(groups.stream().map(Group::reads).toList()).compose(read -> {
      Read[] reads = new Read[received.size()];
      for (Group g : groups) {
        for (int k = 0; k < g.indexes().size(); k++) reads[g.indexes().get(k)] = g.reads().result().get(k);
      }
      return new Chunk(received.stream().map(Received::source).toList(),
          received.stream().map(Received::record).toList(), Arrays.asList(reads)).apply();
    });
    List<Promise<Result>> results = received.stream().map(r -> Promise.<Result>promise()).toList();
    together.onSuccess(all -> {
      for (int i = 0; i < all.size(); i++) results.get(i).complete(all.get(i));
    }).onFailure(err -> {
      if (groups.size() > 1) {
        LOG.warn("A batch of {} records of {} sources failed ({}); applying each source's apart", received.size(),
            groups.size(), err.toString());
      }
      for (Group g : groups) {
        g.reads().compose(reads -> new Chunk(g.source(), g.records(), reads).apply()
            .onSuccess(r -> g.complete(r, results))
            .recover(e -> {
              LOG.warn("A batch of {} records of {} failed ({}); applying them one by one", g.records().size(),
                  g.source(), e.toString());
              return eachAlone(g, reads, 0, results);
            }))
            .onFailure(e -> g.indexes().forEach(i -> results.get(i).tryFail(e)));
      }
    });
    return results.stream().map(Promise::future).toList();
  }

  /** The group's records from {@code k} on, each in a transaction of its own: one failing does not fail the next. */
  private Future<List<Result>> eachAlone(Group g, List<Read> reads, int k, List<Promise<Result>> results) {
    if (k == g.records().size()) return Future.succeededFuture();
    ReceivedRecord record = g.records().get(k);
    return apply(g.source(), record, reads.get(k).appointment(), false)
        .recover(err -> deadLetter(g.source(), record, err))
        .onComplete(results.get(g.indexes().get(k)))
        .transform(done -> eachAlone(g, reads, k + 1, results));
  }

  /** One source's records in a {@link #receiveTogether} batch, with their indexes there. */
  private record Group(Source source, List<Integer> indexes, List<ReceivedRecord> records, Future<List<Read>> reads) {
    void complete(List<Result> applied, List<Promise<Result>> results) {
      for (int k = 0; k < indexes.size(); k++) results.get(indexes.get(k)).complete(applied.get(k));
    }
  }

  /** A record as read, or why it cannot be, and the hash of its payload. */
  private record Read(Object appointment, String hash) {}

  /** Reads and hashes records on a worker: CPU work kept off the event loop (two of these run at once). */
  private Future<List<Read>> readAll(Source source, List<ReceivedRecord> records, RecordReader reader) {
    return workers.executeBlocking(() -> records.stream()
        .map(r -> new Read(read(source, r, reader), r.payloadHash())).toList(), false);
  }

  private Future<List<Result>> oneByOne(Source source, List<ReceivedRecord> records, List<Read> reads, int i,
      List<Result> results) {
    if (i == records.size()) return Future.succeededFuture(results);
    ReceivedRecord record = records.get(i);
    return apply(source, record, reads.get(i).appointment(), false).recover(err -> deadLetter(source, record, err))
        .compose(r -> {
          results.add(r);
          return oneByOne(source, records, reads, i + 1, results);
        });
  }

  /**
   * One transaction applying a chunk of records, of one source or several: one round of statements for all of them.
   * A record (source and id) appears at most once per round, so the statements of a round never meet the same row
   * twice; the k-th version of a record in the chunk is applied in round k, after the earlier ones, exactly as if
   * they had come one by one.
   */
  private final class Chunk {
    private final List<Source> sources;
    private final List<ReceivedRecord> records;
    private final List<Read> reads;
    private final Result[] results;
    private final Instant now = clock.instant();

    Chunk(Source source, List<ReceivedRecord> records, List<Read> reads) {
      this(Collections.nCopies(records.size(), source), records, reads);
    }

    /** @param sources the source of each record, by index */
    Chunk(List<Source> sources, List<ReceivedRecord> records, List<Read> reads) {
      this.sources = sources;
      this.records = records;
      this.reads = reads;
      this.results = new Result[records.size()];
    }

    /** A record that can be applied, with what is known of it so far. */
    private record Pending(int index, Source source, ReceivedRecord record, SourceAppointment a, String queueId,
        SyncedAppointment synced, Entry entry) {}

    Future<List<Result>> apply() {
      return commands.inOneTransaction(this::applyIn);
    }

    /** Applies the chunk within {@code b}'s transaction; what each record did, once that transaction commits. */
    Future<List<Result>> applyIn(QueueCommands.Batch b) {
      if (records.isEmpty()) return Future.succeededFuture(List.of());
      List<RecordKey> keys = IntStream.range(0, records.size()).mapToObj(this::key).distinct().toList();
      // the first round's look-ups go out right behind the records' locks (PostgreSQL runs them once it holds them)
      List<List<Integer>> rounds = rounds();
      Future<Void> f = round(b, rounds.get(0), store.lockRecords(b.connection(), keys));
      for (List<Integer> round : rounds.subList(1, rounds.size())) {
        f = f.compose(v -> round(b, round, Future.succeededFuture()));
      }
      return f.map(v -> Arrays.asList(results));
    }

    private RecordKey key(int i) {
      return new RecordKey(sources.get(i).id(), records.get(i).externalId());
    }

    private List<List<Integer>> rounds() {
      Map<RecordKey, Integer> seen = new HashMap<>();
      List<List<Integer>> rounds = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        int round = seen.merge(key(i), 1, Integer::sum) - 1;
        if (round == rounds.size()) rounds.add(new ArrayList<>());
        rounds.get(round).add(i);
      }
      return rounds;
    }

    /** One round of records; {@code sentBefore}: a statement sent on the connection just before it, unanswered. */
    private Future<Void> round(QueueCommands.Batch b, List<Integer> indexes, Future<Void> sentBefore) {
      SqlConnection c = b.connection();
      List<RecordKey> keys = indexes.stream().map(this::key).toList();
      List<SyncStore.InboxRow> inbox = new ArrayList<>();
      List<DeadLetter> dead = new ArrayList<>();
      Future<Map<RecordKey, SyncStore.Received>> inInbox = store.inboxHasAll(c, keys,
          indexes.stream().map(i -> records.get(i).version()).toList());
      return Pipelined.after(List.of(sentBefore, inInbox), store.appointments(c, keys)).compose(synced -> {
        Map<RecordKey, SyncStore.Received> received = inInbox.result();
        List<Pending> pending = new ArrayList<>();
        List<Integer> handled = new ArrayList<>();
        for (int i : indexes) {
          Source source = sources.get(i);
          ReceivedRecord r = records.get(i);
          SyncedAppointment s = synced.get(key(i));
          SyncStore.Received before = received.get(key(i));
          String problem;
          if (before != null && !before.correctedBy(reads.get(i).hash())) {
            results[i] = again(before);
            continue;
          }
          if (s == null || r.versionOrder() >= s.versionOrder()) handled.add(i);
          if (s != null && r.versionOrder() < s.versionOrder()) {
            results[i] = new Result(Outcome.STALE, staleness(r, s), s.entryId());
            inbox.add(inboxRow(i));
          } else if ((problem = unappliable(source, reads.get(i).appointment())) != null) {
            dead(i, problem, inbox, dead);
          } else {
            SourceAppointment a = withStartOf(s, (SourceAppointment) reads.get(i).appointment());
            pending.add(new Pending(i, source, r, a, queueOf(source, a), s, null));
          }
        }
        List<UUID> entryIds = pending.stream().map(p -> p.synced() == null ? null : p.synced().entryId())
            .filter(Objects::nonNull).toList();
        return b.entries(entryIds).compose(entries -> {
          Map<UUID, Entry> byId = new HashMap<>();
          entries.forEach(e -> byId.put(e.id(), e));
          List<Pending> valid = new ArrayList<>();
          for (Pending p : pending) {
            Entry e = p.synced() == null || p.synced().entryId() == null ? null : byId.get(p.synced().entryId());
            boolean expects = e == null && (p.a().visit() == Visit.EXPECTED || p.a().visit() == Visit.ARRIVED);
            if (expects && p.a().start() == null) {
              dead(p.index(), NO_START, inbox, dead);
            } else {
              valid.add(new Pending(p.index(), p.source(), p.record(), p.a(), p.queueId(), p.synced(), e));
            }
          }
          // the earlier dead letters of the records handled close before this round's new ones are written
          Future<Void> closed = store.closeDeadLetters(c, handled.stream().map(this::key).toList(),
              handled.stream().map(i -> records.get(i).versionOrder()).toList(), now);
          return Pipelined.after(List.of(closed), apply(b, valid, inbox, dead));
        });
      });
    }

    /**
     * Matches the patients, changes the entries and remembers the versions applied, then the round's inbox rows
     * ({@code inbox}, to which the applied ones are added) and dead letters.
     */
    private Future<Void> apply(QueueCommands.Batch b, List<Pending> valid, List<SyncStore.InboxRow> inbox,
        List<DeadLetter> dead) {
      List<PatientMatcher.Wanted> wanted = valid.stream().map(p -> new PatientMatcher.Wanted(p.source(),
          p.record().externalId(), p.a().patient(), p.synced())).toList();
      // the queues' locks and the new entries go out right behind the patients' writes, without waiting for them
      return matcher.matchAll(b.connection(), wanted, now)
          .compose(matched -> Pipelined.after(List.of(matched.written()), changes(b, valid)).compose(v -> {
            Future<Void> copays = Future.succeededFuture();
            for (Pending p : valid) {
              copays = copays.compose(x -> copay(b, p.source(), p.a(), results[p.index()])).mapEmpty();
            }
            return copays;
          }).compose(v -> {
            List<SyncedAppointment> applied = new ArrayList<>(valid.size());
            for (int k = 0; k < valid.size(); k++) {
              Pending p = valid.get(k);
              Result r = results[p.index()];
              applied.add(new SyncedAppointment(p.record().version(), p.record().versionOrder(), p.a().start(),
                  r.entryId(), matched.patients().get(k), false));
              inbox.add(inboxRow(p.index()));
            }
            SqlConnection c = b.connection();
            Future<Void> appointments = store.putAppointments(c, valid.stream().map(p -> key(p.index())).toList(),
                applied);
            return Pipelined.after(List.of(appointments, store.putInboxAll(c, inbox, now)),
                store.insertDeadLetters(c, dead));
          }));
    }

    /**
     * Every queue the batch touches is locked first, in id order, so two batches (two sources of one site) never
     * wait on each other. New appointments are then expected set-based, queue by queue, whichever sources sent
     * them; every other change goes through the one-record path in the same transaction.
     */
    private Future<Void> changes(QueueCommands.Batch b, List<Pending> valid) {
      Map<String, List<Pending>> newByQueue = new TreeMap<>();
      List<Pending> others = new ArrayList<>();
      Set<String> touched = new HashSet<>();
      for (Pending p : valid) {
        if (p.queueId() != null) touched.add(p.queueId());
        if (p.entry() != null) touched.add(p.entry().queueId());
        if (p.entry() == null && p.a().visit() == Visit.EXPECTED) {
          newByQueue.computeIfAbsent(p.queueId(), q -> new ArrayList<>()).add(p);
        } else {
          others.add(p);
        }
      }
      // the first queue's new appointments go out right behind the queues' locks (PostgreSQL runs them once held)
      Future<Void> locked = touched.isEmpty() ? Future.succeededFuture() : b.lockQueues(touched);
      Future<Void> f = locked;
      for (Map.Entry<String, List<Pending>> queue : newByQueue.entrySet()) {
        List<Pending> expected = queue.getValue();
        List<CheckIn> ins = expected.stream().map(p -> new CheckIn(patient(p.source(), p.a().patient()),
            Priority.NORMAL, p.a().start(), ref(p.source(), p.record()))).toList();
        List<String> actors = expected.stream().map(p -> p.source().actor()).toList();
        Function<Void, Future<Void>> expect = v -> b.expectAll(queue.getKey(), ins, actors).map(entries -> {
          for (int k = 0; k < entries.size(); k++) results[expected.get(k).index()] = applied(entries.get(k));
          return null;
        });
        f = f == locked ? Pipelined.after(List.of(locked), expect.apply(null)) : f.compose(expect);
      }
      for (Pending p : others) {
        f = f.compose(v -> change(b, p.source(), p.record(), p.a(), p.queueId(), p.entry()).map(r -> {
          results[p.index()] = r;
          return null;
        }));
      }
      return f;
    }

    private void dead(int i, String reason, List<SyncStore.InboxRow> inbox, List<DeadLetter> dead) {
      ReceivedRecord r = records.get(i);
      results[i] = new Result(Outcome.DEAD, reason, null);
      inbox.add(inboxRow(i));
      dead.add(new DeadLetter(UUID.randomUUID(), sources.get(i).id(), r.externalId(), r.version(), r.versionOrder(),
          r.payload(), reason, now, null));
    }

    /** What the inbox keeps of record {@code i} and its result. */
    private SyncStore.InboxRow inboxRow(int i) {
      ReceivedRecord r = records.get(i);
      return new SyncStore.InboxRow(key(i), r.version(), reads.get(i).hash(), results[i].outcome().wire(),
          results[i].detail());
    }
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
    return workers.executeBlocking(() -> read(source, record, reader), false)
        .compose(read -> apply(source, record, read, replay));
  }

  /** The record read, or why it cannot be (a record that cannot be read is dead-lettered only if it is new). */
  private static Object read(Source source, ReceivedRecord record, RecordReader reader) {
    try {
      return reader.read(record, source.mapping());
    } catch (RecordReader.Unreadable u) {
      return u;
    }
  }

  private Future<Result> apply(Source source, ReceivedRecord record, Object read, boolean replay) {
    Instant now = clock.instant();
    return commands.inOneTransaction(b -> store.lockRecord(b.connection(), source.id(), record.externalId())
        .compose(v -> replay ? Future.<SyncStore.Received>succeededFuture()
            : store.inboxHas(b.connection(), source.id(), record.externalId(), record.version()))
        .compose(before -> {
          if (before != null && !before.correctedBy(record.payloadHash())) return Future.succeededFuture(again(before));
          return store.appointment(b.connection(), source.id(), record.externalId()).compose(synced -> {
            if (synced != null && record.versionOrder() < synced.versionOrder()) {
              String detail = staleness(record, synced);
              return store.putInbox(b.connection(), source.id(), record.externalId(), record.version(),
                  record.payloadHash(), now, Outcome.STALE.wire(), detail)
                  .map(new Result(Outcome.STALE, detail, synced.entryId()));
            }
            if (read instanceof RecordReader.Unreadable u) throw u;
            SourceAppointment a = (SourceAppointment) read;
            return store.closeDeadLetters(b.connection(), List.of(new RecordKey(source.id(), record.externalId())),
                    List.of(record.versionOrder()), now)
                .compose(x -> effect(b, source, record, a, synced, now)).compose(r -> store.putInbox(b.connection(), source.id(),
                    record.externalId(), record.version(), record.payloadHash(), now, r.outcome().wire(), r.detail())
                .map(r));
          });
        }));
  }

  /** A version without a start (an HL7 A08 carries only patient details) keeps the start the last version gave. */
  private static SourceAppointment withStartOf(SyncedAppointment synced, SourceAppointment given) {
    return given.start() != null || synced == null ? given
        : new SourceAppointment(given.visit(), synced.startAt(), given.keys(), given.patient(), given.copay());
  }

  /** The queue the appointment belongs in; none for a change of the patient's details, which moves nothing. */
  private static String queueOf(Source source, SourceAppointment a) {
    return a.visit() == Visit.DETAILS ? null : source.mapping().queueFor(a.keys());
  }

  /** Why a read record cannot be applied whatever the queue holds, or null when it can be. */
  private static String unappliable(Source source, Object read) {
    if (read instanceof RecordReader.Unreadable u) return u.getMessage();
    SourceAppointment a = (SourceAppointment) read;
    if (a.patient() == null) return "The appointment names no patient that could be read.";
    if (a.patient().name() != null && a.patient().name().length() > MAX_NAME) {
      return "The patient's name is longer than " + MAX_NAME + " characters, the most Waitline keeps.";
    }
    if (a.visit() != Visit.DETAILS && source.mapping().queueFor(a.keys()) == null) {
      return "No queue is mapped for this appointment (" + describeKeys(a) + ") and the mapping has no defaultQueue.";
    }
    return null;
  }

  /** Matches the patient, picks the queue, changes the entry, and remembers the version applied. */
  private Future<Result> effect(QueueCommands.Batch b, Source source, ReceivedRecord record, SourceAppointment given,
      SyncedAppointment synced, Instant now) {
    SourceAppointment a = withStartOf(synced, given);
    String problem = unappliable(source, a);
    if (problem != null) throw new RecordReader.Unreadable(problem);
    String queueId = queueOf(source, a);
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
        || r.outcome() == Outcome.CONFLICT || a.visit() == Visit.DETAILS) {
      return Future.succeededFuture(r);
    }
    return amounts.apply(b.connection(), source.siteId(), r.entryId(), a.copay(), source.actor()).map(r);
  }

  private Future<Result> change(QueueCommands.Batch b, Source source, ReceivedRecord record, SourceAppointment a,
      String queueId, Entry entry) {
    Patient patient = patient(source, a.patient());
    String ref = ref(source, record);
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
      case DETAILS -> {
        // the patient's record was matched and updated above; the visit, if booked, takes the new details
        Patient updated = entry == null ? null : updated(entry.patient(), patient);
        if (entry == null || updated.equals(entry.patient()) || entry.status().isEnded()) yield unchanged(entry);
        if (entry.status() == Status.EXPECTED) {
          yield b.reschedule(entry.id(), entry.appointmentAt(), updated, actor).map(this::applied);
        }
        yield conflict(entry, "changed the patient's details");
      }
    };
  }

  /** The visit's patient with what a details message gives; a field it leaves empty keeps its value (HL7 v2). */
  private static Patient updated(Patient was, Patient given) {
    return new Patient(given.name() != null ? given.name() : was.name(),
        given.birthDate() != null ? given.birthDate() : was.birthDate(), given.mrn() != null ? given.mrn() : was.mrn(),
        given.phone() != null ? given.phone() : was.phone(), given.email() != null ? given.email() : was.email());
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
    if (a.start() == null) throw new RecordReader.Unreadable(NO_START);
    return b.expect(queueId, new CheckIn(patient, Priority.NORMAL, a.start(), ref), actor).map(this::applied);
  }

  /** How queue-core knows the appointment: the source and the source's id of it. */
  private static String ref(Source source, ReceivedRecord record) {
    return source.id() + ":" + record.externalId();
  }

  private static String staleness(ReceivedRecord record, SyncedAppointment synced) {
    return "Version " + record.version() + " is older than version " + synced.version() + " already applied.";
  }

  /**
   * The answer to a record version received before, unless it was corrected since: a duplicate, or, for one that went
   * to dead letters, that again with its reason (so the sender hears the same refusal).
   */
  private static Result again(SyncStore.Received before) {
    return before.dead() ? new Result(Outcome.DEAD, before.detail(), null) : new Result(Outcome.DUPLICATE, null, null);
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
    RecordKey key = new RecordKey(source.id(), record.externalId());
    return commands.inOneTransaction(b -> store.putInbox(b.connection(), source.id(), record.externalId(),
            record.version(), record.payloadHash(), now, Outcome.DEAD.wire(), reason)
        // a corrected version that still cannot be applied: its new dead letter replaces the earlier one
        .compose(v -> store.closeDeadLetters(b.connection(), List.of(key), List.of(record.versionOrder()), now))
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
