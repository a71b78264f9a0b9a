package io.waitline.sync;

import static io.waitline.queue.Refused.Kind.CONFLICT;
import static io.waitline.queue.Refused.Kind.FORBIDDEN;
import static io.waitline.queue.Refused.Kind.INVALID;
import static io.waitline.queue.Refused.Kind.NOT_FOUND;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.model.Message;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.sqlclient.Pool;
import io.waitline.queue.ServiceQueue;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.event.PgNotifyRelay;
import io.waitline.queue.outbox.Outbox;
import io.waitline.queue.outbox.OutcomeOutbox;
import io.waitline.sync.csv.CsvKind;
import io.waitline.sync.fhir.FhirR4Kind;
import io.waitline.sync.writeback.WriteBack;
import io.waitline.sync.hl7.Hl7Kind;
import io.waitline.sync.hl7.Hl7MessageReader;
import io.waitline.sync.hl7.Hl7Segments;
import io.waitline.sync.hl7.Hl7Messages;
import io.waitline.sync.hl7.Hl7Sources;
import io.waitline.sync.hl7.MllpListener;
import io.waitline.sync.pipeline.GroupCommit;
import io.waitline.sync.pipeline.Outcome;
import io.waitline.sync.pipeline.Pipeline;
import io.waitline.sync.pipeline.ReceivedRecord;
import io.waitline.sync.pipeline.RecordReader;
import io.waitline.sync.pipeline.SourceAppointment;
import io.waitline.sync.pipeline.Visit;
import io.waitline.sync.pipeline.VisitAmounts;
import io.waitline.sync.source.Mapping;
import io.waitline.sync.source.PushedKind;
import io.waitline.sync.source.Schedule;
import io.waitline.sync.source.Source;
import io.waitline.sync.source.SourceAuth;
import io.waitline.sync.source.SourceCredentials;
import io.waitline.sync.source.SourceGuard;
import io.waitline.sync.source.SourceKind;
import io.waitline.sync.store.SecretBox;
import io.waitline.sync.store.SyncStore.StoredSource;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.webhook.WebhookEventReader;
import io.waitline.sync.webhook.WebhookKind;
import io.waitline.sync.webhook.WebhookSignature;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * pms-sync's public API: appointment sources of a site (create, read, change, delete, sync now, health), dead
 * letters and their replay, and suggested patient matches for staff. Queue entries change only through queue-core's
 * commands; source secrets are sealed at rest and never returned.
 */
public final class SyncService {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncService.class);
  /** The longest HL7 v2 message the MLLP listener takes (a real SIU or ADT is a few KiB); a longer one is AR. */
  public static final int MLLP_MAX_BYTES = 256 * 1024;
  /** The most HL7 v2 messages applied in one transaction, and the most characters they hold together. */
  static final int MLLP_BATCH = 256;
  static final long MLLP_BATCH_CHARS = 4L * 1024 * 1024;
  /** What became of each record received (applied, stale, dead…), recorded when published to Kafka. */
  public static final Outbox RESULTS = new OutcomeOutbox("sync-results", "sync results", "sync_result",
      "/waitline/sync");
  /** Key of the subscription secret among a source's sealed secrets. */
  private static final String SUBSCRIPTION_SECRET = "subscriptionSecret";
  /** The longest a source whose last poll failed waits before the scheduler polls it again. */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);
  private final Vertx vertx;
  private final Pool pool;
  private final QueueCommands commands;
  private final SyncStore store;
  private final SecretBox secrets;
  private final Clock clock;
  private final SyncSettings settings;
  private final Pipeline pipeline;
  private final Map<String, SourceKind> kinds;
  private final Map<UUID, SourceGuard> guards = new ConcurrentHashMap<>();
  private final SourceCredentials credentials;
  private final SyncMetrics metrics;
  private final SourcePoller poller;
  private final WorkerExecutor workers;
  /** Set while a write-back round of this node's scheduler runs ({@link #tick}). */
  private final AtomicBoolean writingBack = new AtomicBoolean();
  private final FhirNotifications notifications;
  private final WriteBack writeBack;
  private final Hl7Messages hl7 = new Hl7Messages();
  private final GroupCommit hl7Batches;
  private final Hl7Sources hl7Sources;
  private MllpListener<Hl7Inbound> mllp;
  private long timer = -1;
  private CsvDropFolders dropFolders;

  /**
   * @param secretsKey base64 of 32 bytes that seals source secrets (from configuration, never from the database)
   * @param node this node's name in polling leases
   * @param amounts where appointments' own co-pays go; null on a server without payments
   */
  public SyncService(Vertx vertx, Pool pool, QueueCommands commands, String secretsKey, Clock clock,
      SyncSettings settings, MeterRegistry registry, String node, VisitAmounts amounts) {
    this.vertx = vertx;
    this.pool = pool;
    this.commands = commands;
    this.secrets = new SecretBox(secretsKey);
    this.clock = clock;
    this.settings = settings;
    this.store = new SyncStore(settings.publishResults());
    this.workers = vertx.createSharedWorkerExecutor("pms-sync-" + node, settings.workers());
    this.pipeline = new Pipeline(commands, store, clock, workers, amounts);
    this.hl7Batches = new GroupCommit(pipeline, MLLP_BATCH, MLLP_BATCH_CHARS, this::hl7BatchDone);
    this.hl7Sources = new Hl7Sources(pool, store, this::source, clock);
    this.credentials = new SourceCredentials(vertx, clock);
    this.metrics = new SyncMetrics(registry, clock);
    FhirR4Kind fhir = new FhirR4Kind(FhirContext.forR4Cached(), workers, credentials, this::guard,
        settings.resilience().timeout(), settings.pageSize());
    this.writeBack = new WriteBack(pool, store, this::source, fhir::writeStatus, clock);
    SourceKind webhook = new WebhookKind();
    SourceKind csv = new CsvKind();
    SourceKind hl7v2 = new Hl7Kind(hl7);
    this.kinds = Map.of(fhir.kind(), fhir, webhook.kind(), webhook, csv.kind(), csv, hl7v2.kind(), hl7v2);
    this.poller = new SourcePoller(pool, commands, store, pipeline, kinds, clock, node, settings.lease(), metrics);
    this.notifications = new FhirNotifications(pool, store, pipeline, poller, fhir, FhirContext.forR4Cached(),
        workers);
  }

  /** pms-sync's schema, migrated after queue-core's. Blocking: run on a worker. */
  public static int migrate(String jdbcUrl, String user, String password) {
    return io.waitline.queue.store.Migrations.migrate(jdbcUrl, user, password, "classpath:db/sync",
        "sync_schema_history");
  }

  /** Starts this node's scheduler: every tick, polls the sources that are due and whose lease it can hold. */
  public void start() {
    timer = vertx.setPeriodic(settings.tick().toMillis(), id -> tick());
  }

  /**
   * Watches the drop folder of each csv source under {@code root} (the operator's setting, never a request's), looking
   * every {@code every}; see {@link CsvDropFolders}. Stopped with this service.
   */
  public CsvDropFolders watchDropFolders(Path root, Duration every) {
    dropFolders = new CsvDropFolders(vertx, this, root, clock);
    dropFolders.start(every);
    return dropFolders;
  }

  /**
   * Starts the node's one MLLP listener for HL7 v2 sources (TLS when the options say so); the future holds its port.
   * HAPI is warmed up first (on a worker), so the listener opens ready to answer a first message at once.
   */
  public Future<Integer> listenMllp(NetServerOptions options) {
    mllp = new MllpListener<>(vertx, this::readHl7, this::applyHl7, this::hl7TooLarge, MLLP_MAX_BYTES);
    return workers.executeBlocking(() -> {
      hl7.warmUp();
      return null;
    }, false).compose(v -> mllp.listen(options));
  }

  /**
   * Hears, through the node's relay, that another node changed a source, so the MLLP listener's routing by sending
   * facility follows at once; completes once listening.
   */
  public Future<Void> listenSourceChanges(PgNotifyRelay relay) {
    return hl7Sources.listen(relay);
  }

  public Future<Void> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    if (dropFolders != null) dropFolders.stop();
    return (mllp == null ? Future.<Void>succeededFuture() : mllp.close()).compose(v -> workers.close());
  }

  // --- sources

  public Future<Source> create(String siteId, JsonObject body) {
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    return parsed(() -> parse(id, siteId, body, null, now, now)).compose(s -> checkMapping(s)
        .compose(v -> pool.withTransaction(c -> store.insertSource(c, stored(s)))).map(s))
        .onSuccess(s -> hl7Sources.changed(s.id()));
  }

  public Future<List<Source>> sources(String siteId) {
    return commands.site(siteId).compose(site -> store.sourcesOfSite(pool, siteId))
        .map(rows -> rows.stream().map(this::source).toList());
  }

  /** Every enabled source of a kind, at every site. */
  public Future<List<Source>> enabledSources(String kind) {
    return store.enabledSources(pool).map(rows -> rows.stream().filter(r -> r.kind().equals(kind))
        .map(this::source).toList());
  }

  public Future<Source> source(UUID id) {
    return store.source(pool, id).map(row -> {
      if (row == null) throw new SyncException(NOT_FOUND, "There is no source " + id + ".");
      return source(row);
    });
  }

  /** Changes the fields given. Secrets left out of a new {@code auth} of the same type keep their stored value. */
  public Future<Source> update(UUID id, JsonObject patch) {
    return source(id).compose(old -> {
      JsonObject merged = old.toJson().mergeIn(patch, false);
      JsonObject auth = patch.getJsonObject("auth");
      if (auth != null && old.auth().publicJson().getString("type").equals(auth.getString("type", "none"))) {
        merged.put("auth", old.auth().secrets().copy().mergeIn(old.auth().publicJson()).mergeIn(auth));
      } else if (auth == null) {
        merged.put("auth", old.auth().secrets().copy().mergeIn(old.auth().publicJson()));
      }
      if (!patch.containsKey("subscription") && old.subscriptionSecret() != null) {
        merged.put("subscription", new JsonObject().put("secret", old.subscriptionSecret()));
      }
      if (patch.containsKey("kind") && !old.kind().equals(patch.getString("kind"))) {
        throw new SyncException(INVALID, "A source's kind cannot change; create a new source instead.");
      }
      return parsed(() -> parse(id, old.siteId(), merged, old.kind(), old.createdAt(), clock.instant()))
          .compose(s -> checkMapping(s).compose(v -> store.updateSource(pool, stored(s))).map(s));
    }).onSuccess(credentials::forget).onSuccess(s -> hl7Sources.changed(s.id()));
  }

  public Future<Void> delete(UUID id) {
    return store.deleteSource(pool, id).map(deleted -> {
      if (!deleted) throw new SyncException(NOT_FOUND, "There is no source " + id + ".");
      guards.remove(id);
      return null;
    }).onSuccess(v -> hl7Sources.changed(id)).mapEmpty();
  }

  /** Polls the source now and answers when done, with the counts. A full read also finds deletions. */
  public Future<SyncReport> syncNow(UUID id, boolean full) {
    return source(id).compose(s -> {
      if (!kinds.get(s.kind()).polls()) {
        throw PushedKind.notPolled(s);
      }
      return poller.run(s, full);
    });
  }

  /**
   * One appointment event a webhook source posted, checked with its signature ({@link WebhookSignature}) and applied
   * through the pipeline: a redelivered event id is a duplicate, an event that cannot be applied a dead letter.
   * Fails with NotFound for an unknown source and Forbidden for a missing, wrong or stale signature.
   */
  public Future<JsonObject> webhookEvent(UUID sourceId, String signature, String body) {
    return source(sourceId).compose(s -> {
      if (!WebhookKind.KIND.equals(s.kind())) {
        // not named: the caller has not proven it is the source's system yet
        throw new SyncException(INVALID, "This source does not take webhook events.");
      }
      Instant signedAt = WebhookSignature.verify(s.subscriptionSecret(), signature, body, clock.instant());
      JsonObject event;
      try {
        event = new JsonObject(body);
      } catch (io.vertx.core.json.DecodeException e) {
        throw new SyncException(INVALID, "The event is not a JSON object.");
      }
      ReceivedRecord record;
      try {
        record = WebhookEventReader.record(event, s.mapping(), signedAt);
      } catch (RecordReader.Unreadable e) {
        throw new SyncException(INVALID, e.getMessage());
      }
      SourceKind kind = kinds.get(s.kind());
      return pipeline.receive(s, record, kind.reader()).compose(result -> {
        metrics.record(s, result.outcome());
        return store.recordSuccess(pool, s.id(), clock.instant(), false).map(v -> new JsonObject()
            .put("outcome", result.outcome().wire()).put("detail", result.detail())
            .put("externalId", record.externalId()).put("version", record.version()));
      });
    });
  }

  /**
   * One HL7 v2 message, answered with its ACK (HL7 text): AA once its effect and inbox row are committed (again for a
   * control id already applied), AE with the reason when it is understood but cannot be applied (a dead letter), AR
   * when it cannot be read, is not supported, or no source takes its sending facility. Fails, with no ACK to send,
   * when it could not be handled (e.g. the database is unreachable): the sender resends. The MLLP listener calls its
   * two steps ({@link #readHl7}, {@link #applyHl7}) apart, so a connection's messages are read at once and applied
   * in order.
   */
  public Future<String> hl7Message(String text) {
    return readHl7(List.of(text)).compose(read -> applyHl7(read).get(0));
  }

  /** An HL7 v2 message as read on receipt: answered already (AR), or to be applied with its source. */
  private sealed interface Hl7Inbound {
    record Answered(String ack) implements Hl7Inbound {}

    /** {@code accepted}: its AA, built on receipt so that it goes back as soon as the message is committed. */
    record ToApply(Source source, Message message, ReceivedRecord record, String accepted) implements Hl7Inbound {}
  }

  /** A message parsed, with its AA. */
  private record Parsed(Hl7Segments segments, String accepted) {}

  /**
   * Parses messages that arrived together and builds their AAs (off the event loop, in two halves at once), and finds
   * the source of each one's sending facility (MSH-4).
   */
  private Future<List<Hl7Inbound>> readHl7(List<String> texts) {
    int half = texts.size() / 2;
    Future<List<Object>> first = parseHl7(texts.subList(0, half));
    Future<List<Object>> second = parseHl7(texts.subList(half, texts.size()));
    return Future.all(first, second).compose(both -> {
      List<Object> parsed = new ArrayList<>(first.result());
      parsed.addAll(second.result());
      Map<String, Future<List<Source>>> sources = new HashMap<>();
      List<Future<Hl7Inbound>> inbound = new ArrayList<>(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        inbound.add(routeHl7(texts.get(i), parsed.get(i), sources));
      }
      return Future.all(inbound).map(all -> all.<Hl7Inbound>list());
    });
  }

  /** Each message parsed with its AA built, or its AR when it cannot be read; on a worker. */
  private Future<List<Object>> parseHl7(List<String> texts) {
    if (texts.isEmpty()) return Future.succeededFuture(List.of());
    return workers.executeBlocking(() -> {
      List<Object> read = new ArrayList<>(texts.size());
      List<Message> parsed = new ArrayList<>(texts.size());
      List<String> parsedTexts = new ArrayList<>(texts.size());
      for (String text : texts) {
        try {
          Message message = hl7.parse(text);
          read.add(message);
          parsed.add(message);
          parsedTexts.add(text);
        } catch (Hl7Messages.Rejected e) {
          read.add(hl7.reject(text, e));
        }
      }
      Iterator<String> accepted = hl7.acceptAll(parsed, parsedTexts).iterator();
      return read.stream().map(r -> r instanceof Message m ? new Parsed(new Hl7Segments(m), accepted.next()) : r)
          .toList();
    }, false);
  }

  /** A message as read, with its source; {@code sources}: the facilities of the messages read with it, looked up once. */
  private Future<Hl7Inbound> routeHl7(String text, Object read, Map<String, Future<List<Source>>> sources) {
    if (read instanceof String rejection) return Future.succeededFuture(new Hl7Inbound.Answered(rejection));
    Parsed parsed = (Parsed) read;
    Hl7Segments segments = parsed.segments();
    Message message = segments.message();
    String facility = Hl7Messages.sendingFacility(message);
    return sources.computeIfAbsent(facility == null ? "" : facility, hl7Sources::of).compose(rows -> {
      if (rows.size() != 1 || !rows.get(0).enabled()) {
        String why = rows.isEmpty() && facility == null ? "The message names no sending facility (MSH-4), which is"
            + " how Waitline knows its source."
            : rows.isEmpty() ? "No HL7 v2 source takes messages from sending facility '" + facility
            + "' (MSH-4); add one with that mapping.hl7.sendingFacility."
            : rows.size() > 1 ? "Several HL7 v2 sources name sending facility '" + facility + "'; only one may."
            : "Source " + rows.get(0).name() + " is disabled.";
        return workers.executeBlocking(() -> new Hl7Inbound.Answered(hl7.reject(message, why)), false);
      }
      Source s = rows.get(0);
      return Future.succeededFuture(new Hl7Inbound.ToApply(s, message,
          Hl7MessageReader.record(segments, text, ZoneId.of(s.mapping().hl7().timeZone())), parsed.accepted()));
    });
  }

  /**
   * Applies messages read together with the others waiting (one transaction, {@link GroupCommit}); each one's ACK, in
   * order.
   */
  private List<Future<String>> applyHl7(List<Hl7Inbound> inbound) {
    RecordReader reader = kinds.get(Hl7Kind.KIND).reader();
    List<Pipeline.Received> received = new ArrayList<>();
    for (Hl7Inbound in : inbound) {
      if (in instanceof Hl7Inbound.ToApply m) received.add(new Pipeline.Received(m.source(), m.record(), reader));
    }
    Iterator<Future<Pipeline.Result>> results = hl7Batches.submitAll(received).iterator();
    List<Future<String>> acks = new ArrayList<>(inbound.size());
    for (Hl7Inbound in : inbound) {
      if (in instanceof Hl7Inbound.Answered answered) {
        acks.add(Future.succeededFuture(answered.ack()));
      } else {
        Hl7Inbound.ToApply m = (Hl7Inbound.ToApply) in;
        acks.add(results.next().compose(result -> result.outcome() == Outcome.DEAD
            ? workers.executeBlocking(() -> hl7.error(m.message(), result.detail()), false)
            : Future.succeededFuture(m.accepted())));
      }
    }
    return acks;
  }

  /** After a batch of HL7 v2 messages: the outcome metrics, and each source's health once. */
  private void hl7BatchDone(List<Pipeline.Received> received, List<Future<Pipeline.Result>> results) {
    Map<UUID, Source> applied = new LinkedHashMap<>();
    for (int i = 0; i < received.size(); i++) {
      if (results.get(i).failed()) continue;
      Source s = received.get(i).source();
      metrics.record(s, results.get(i).result().outcome());
      applied.put(s.id(), s);
    }
    Instant now = clock.instant();
    for (Source s : applied.values()) {
      store.recordSuccess(pool, s.id(), now, false).onFailure(err -> LOG.warn("Could not record the success of {}:"
          + " {}", s, err.toString()));
    }
  }

  /** The AR for a message longer than the listener takes, answered from its first bytes. */
  private Future<String> hl7TooLarge(String head) {
    return workers.executeBlocking(() -> hl7.reject(head, "The message is longer than " + MLLP_MAX_BYTES + " bytes,"
        + " the most Waitline takes in one message.", ErrorCode.APPLICATION_INTERNAL_ERROR), false);
  }

  /** The site a source belongs to, for access checks; fails with NotFound. */
  public Future<String> siteOfSource(UUID id) {
    return source(id).map(Source::siteId);
  }

  /**
   * A FHIR Subscription notification from the source (rest-hook), checked with the source's secret: applied, or a
   * catch-up poll started. Fails with NotFound for an unknown source and Forbidden for a wrong or missing secret.
   */
  public Future<JsonObject> subscriptionNotification(UUID sourceId, String secret, String body) {
    return source(sourceId).compose(s -> {
      if (!FhirNotifications.secretMatches(s, secret)) {
        throw new SyncException(FORBIDDEN, "The notification does not carry this source's secret.");
      }
      if (!Source.FHIR_R4.equals(s.kind())) {
        throw new SyncException(INVALID, "Source " + s.name() + " does not take FHIR notifications.");
      }
      return notifications.handle(s, body);
    });
  }

  // --- health

  /**
   * UP when the last sync succeeded and the breaker is closed, or when a source that sends to Waitline (webhook, CSV,
   * HL7 v2) has sent nothing yet and nothing failed; DEGRADED when the last attempt failed, the breaker is trying
   * again, the last success of a polled source is older than three poll intervals, or a polled source has not been
   * read yet; DOWN when the breaker is open or the source failed before ever succeeding.
   */
  public Future<JsonObject> health(UUID id) {
    return source(id).compose(s -> store.state(pool, id).compose(state -> store.outcomeCounts(pool, id)
        .compose(counts -> store.conflicts(pool, id, 20).map(conflicts -> {
          Instant now = clock.instant();
          CircuitBreaker.State breaker = guard(s).breaker().getState();
          Duration lag = state.lastSuccessAt() == null ? null : Duration.between(state.lastSuccessAt(), now);
          boolean failing = state.lastError() != null;
          String health;
          if (breaker == CircuitBreaker.State.OPEN || state.lastSuccessAt() == null && failing) health = "DOWN";
          else if (failing || breaker == CircuitBreaker.State.HALF_OPEN
              // a push source is quiet when the clinic books nothing: only a polled one is late
              || kinds.get(s.kind()).polls() && lag != null
                  && lag.compareTo(s.schedule().every().multipliedBy(3)) > 0) health = "DEGRADED";
          // a new source that others send to has nothing to be late with; a polled one is due to be read
          else health = state.lastSuccessAt() == null && kinds.get(s.kind()).polls() ? "DEGRADED" : "UP";
          JsonObject byOutcome = new JsonObject();
          counts.forEach(byOutcome::put);
          return new JsonObject().put("sourceId", id.toString()).put("name", s.name()).put("state", health)
              .put("lastSuccessAt", str(state.lastSuccessAt())).put("lastAttemptAt", str(state.lastAttemptAt()))
              .put("lastError", state.lastError()).put("lastErrorAt", str(state.lastErrorAt()))
              .put("watermark", str(state.watermark())).put("lagSeconds", lag == null ? null : lag.toSeconds())
              .put("breaker", breaker.name()).put("counts", byOutcome)
              .put("lastFullReadAt", str(state.lastReconcileAt()))
              .put("conflicts", new JsonArray(conflicts));
        })).compose(health -> store.writeBackHealth(pool, id)
            .map(writes -> health.put("writeBack", writes.put("enabled", s.writeBack()))))));
  }

  /** What the desk shows: each enabled source of the site with when its appointments were last updated. */
  public Future<JsonArray> siteStatus(String siteId) {
    return store.sourcesOfSite(pool, siteId).compose(rows -> {
      JsonArray out = new JsonArray();
      Future<Void> f = Future.succeededFuture();
      for (StoredSource row : rows) {
        if (!row.enabled()) continue;
        f = f.compose(v -> health(row.id()).map(h -> {
          out.add(new JsonObject().put("sourceId", h.getString("sourceId")).put("name", h.getString("name"))
              .put("state", h.getString("state")).put("lastSuccessAt", h.getString("lastSuccessAt")));
          return null;
        }));
      }
      return f.map(out);
    });
  }

  // --- dead letters

  public Future<List<JsonObject>> deadLetters(UUID sourceId) {
    return source(sourceId).compose(s -> store.deadLetters(pool, sourceId, false)).map(list -> list.stream()
        .map(d -> new JsonObject().put("id", d.id().toString()).put("sourceId", d.sourceId().toString())
            .put("externalId", d.externalId()).put("version", d.version()).put("reason", d.reason())
            .put("createdAt", d.createdAt().toString()))
        .toList());
  }

  /** The site of a dead letter's source, for access checks; fails with NotFound. */
  public Future<String> siteOfDeadLetter(UUID id) {
    return pool.withConnection(c -> store.deadLetterForUpdate(c, id)).compose(d -> {
      if (d == null) throw new SyncException(NOT_FOUND, "There is no dead letter " + id + ".");
      return siteOfSource(d.sourceId());
    });
  }

  /** Applies a dead letter again with the source's current mapping. */
  public Future<JsonObject> replay(UUID deadLetterId) {
    return pool.withConnection(c -> store.deadLetterForUpdate(c, deadLetterId)).compose(d -> {
      if (d == null) throw new SyncException(NOT_FOUND, "There is no dead letter " + deadLetterId + ".");
      if (d.replayedAt() != null) {
        throw new SyncException(CONFLICT, "This dead letter was already replayed at " + d.replayedAt() + ".");
      }
      return source(d.sourceId()).compose(s -> pipeline.replay(s, d, kinds.get(s.kind()).reader()))
          .map(r -> new JsonObject().put("outcome", r.outcome().wire()).put("detail", r.detail())
              .put("entryId", r.entryId() == null ? null : r.entryId().toString()));
    });
  }

  // --- match reviews

  public Future<List<JsonObject>> matchReviews(String siteId) {
    return commands.site(siteId).compose(site -> store.reviews(pool, siteId, "open")).map(list -> list.stream()
        .map(r -> new JsonObject().put("id", r.id().toString()).put("status", r.status())
            .put("createdAt", r.createdAt().toString()).put("patient", r.patient()).put("candidate", r.candidate()))
        .toList());
  }

  /** Confirms (the two are one patient: merged) or rejects (kept apart, never suggested again) a suggested match. */
  public Future<JsonObject> resolveReview(String siteId, UUID reviewId, boolean samePatient, String actor) {
    return pool.withTransaction(c -> store.reviewForUpdate(c, reviewId).compose(r -> {
      if (r == null || !r.siteId().equals(siteId)) {
        throw new SyncException(NOT_FOUND, "There is no match review " + reviewId + " at this site.");
      }
      if (!"open".equals(r.status())) {
        throw new SyncException(CONFLICT, "This suggested match was already " + r.status() + ".");
      }
      String status = samePatient ? "confirmed" : "rejected";
      Future<Void> merge = samePatient ? store.mergePatient(c, r.patientId(), r.candidateId()) : Future.succeededFuture();
      return merge.compose(v -> store.resolveReview(c, reviewId, status, actor, clock.instant()))
          .map(new JsonObject().put("id", reviewId.toString()).put("status", status));
    }));
  }

  // --- dry run

  /** What a sample (e.g. a FHIR Bundle) would become with the source's mapping; nothing is written. */
  public Future<JsonArray> dryRun(UUID sourceId, String sample) {
    return source(sourceId).compose(s -> {
      SourceKind kind = kinds.get(s.kind());
      // parsing the sample is CPU work: off the event loop
      return workers.executeBlocking(() -> kind.split(sample, s.mapping()), false)
          .compose(records -> previews(s, kind.reader(), records))
          .map(JsonArray::new);
    });
  }

  /**
   * What each record would become, read off the event loop, knowing the site's queues and which appointments already
   * have a visit (a change to one needs no start of its own).
   */
  private Future<List<JsonObject>> previews(Source s, RecordReader reader, List<ReceivedRecord> records) {
    List<SyncStore.RecordKey> keys = records.stream().map(r -> new SyncStore.RecordKey(s.id(), r.externalId()))
        .toList();
    return commands.queuesOfSite(s.siteId()).compose(queues -> store.appointments(pool, keys).compose(synced -> {
      Set<String> known = queues.stream().map(ServiceQueue::id).collect(Collectors.toSet());
      return workers.executeBlocking(() -> {
        List<JsonObject> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
          SyncStore.SyncedAppointment before = synced.get(keys.get(i));
          out.add(preview(s, reader, records.get(i), known, before != null && before.entryId() != null));
        }
        return out;
      }, false);
    }));
  }

  /**
   * A CSV file for a {@code csv} source (UTF-8 with or without BOM, or Windows-1252), applied row by row through the
   * pipeline: answers the counts per outcome and every row that could not be applied (row, column, sentence), which
   * are dead letters. With {@code dryRun}, the same report and nothing written. The same file twice is all
   * duplicates.
   */
  public Future<JsonObject> csvFile(UUID sourceId, byte[] file, boolean dryRun) {
    return source(sourceId).compose(s -> {
      if (!CsvKind.KIND.equals(s.kind())) {
        throw new SyncException(INVALID, "Source " + s.name() + " does not take CSV files.");
      }
      Instant uploadedAt = clock.instant();
      // decoding and parsing a file is CPU work: off the event loop
      return workers.executeBlocking(() -> CsvKind.rows(CsvKind.decode(file), s.mapping(), uploadedAt), false)
          .compose(rows -> dryRun ? csvDryRun(s, rows) : csvApply(s, rows));
    });
  }

  private Future<JsonObject> csvDryRun(Source s, List<ReceivedRecord> rows) {
    return previews(s, kinds.get(s.kind()).reader(), rows).map(previews -> {
      JsonArray problems = new JsonArray();
      for (int i = 0; i < rows.size(); i++) {
        String problem = previews.get(i).getString("problem");
        if (problem != null) problems.add(CsvKind.Problem.of(rowOf(rows.get(i)), problem).toJson());
      }
      return new JsonObject().put("dryRun", true).put("rows", rows.size()).put("problems", problems);
    });
  }

  /** Applies the rows in batches (see {@link Pipeline#receiveAll}); rows that cannot be applied are the problems. */
  private Future<JsonObject> csvApply(Source s, List<ReceivedRecord> rows) {
    SyncReport.Tally tally = new SyncReport.Tally();
    JsonArray problems = new JsonArray();
    return pipeline.receiveAll(s, rows, kinds.get(s.kind()).reader()).compose(results -> {
      for (int i = 0; i < rows.size(); i++) {
        Pipeline.Result result = results.get(i);
        tally.add(result.outcome());
        metrics.record(s, result.outcome());
        if (result.outcome() == Outcome.DEAD) {
          problems.add(CsvKind.Problem.of(rowOf(rows.get(i)), result.detail()).toJson());
        }
      }
      return store.recordSuccess(pool, s.id(), clock.instant(), false);
    }).map(v -> {
      JsonObject counts = new JsonObject();
      tally.outcomes.forEach((outcome, n) -> counts.put(outcome.wire(), n));
      return new JsonObject().put("dryRun", false).put("rows", rows.size()).put("outcomes", counts)
          .put("problems", problems);
    });
  }

  private static long rowOf(ReceivedRecord r) {
    return new JsonObject(r.payload()).getLong("row");
  }

  /** @param booked whether the appointment already has a visit in a queue */
  private JsonObject preview(Source s, RecordReader reader, ReceivedRecord r, Set<String> queues, boolean booked) {
    JsonObject o = new JsonObject().put("externalId", r.externalId()).put("version", r.version());
    try {
      SourceAppointment a = reader.read(r, s.mapping());
      boolean details = a.visit() == Visit.DETAILS;
      String queue = details ? null : s.mapping().queueFor(a.keys());
      o.put("visit", a.visit().wire()).put("start", str(a.start())).put("queue", queue);
      if (a.copay() != null) {
        o.put("copay", new JsonObject().put("amount", a.copay().amount().toPlainString())
            .put("currency", a.copay().currency()));
      }
      if (a.patient() != null) {
        o.put("patient", new JsonObject().put("name", a.patient().name())
            .put("birthDate", a.patient().birthDate() == null ? null : a.patient().birthDate().toString())
            .put("mrn", a.patient().identifier(s.mapping().mrnSystem())).put("phone", a.patient().phone())
            .put("email", a.patient().email()).put("language", a.patient().language())
            .put("identifiers", new JsonArray(a.patient().identifiers().stream()
                .map(i -> new JsonObject().put("system", i.system()).put("value", i.value())).toList())));
      }
      boolean expects = a.visit() == Visit.EXPECTED || a.visit() == Visit.ARRIVED;
      if (a.patient() == null) o.put("problem", "The appointment names no patient that could be read.");
      else if (details) return o;
      else if (queue == null) o.put("problem", "No queue is mapped for this appointment and there is no defaultQueue.");
      else if (!queues.contains(queue)) o.put("problem", "Queue " + queue + " does not exist at this site.");
      else if (expects && a.start() == null && !booked) o.put("problem", Pipeline.NO_START);
    } catch (RecordReader.Unreadable e) {
      o.put("problem", e.getMessage());
    }
    return o;
  }

  // --- scheduling

  /**
   * One scheduler round on this node: every enabled source that is due is polled, if this node can hold its lease;
   * then the sources that write back are told what became of their appointments ({@link #writeBack}).
   */
  public Future<Void> tick() {
    return polls().compose(v -> {
      // one round at a time: rounds started tick after tick while one still read a large import's events each held
      // a connection waiting for the checkpoint's lock, until the pool had none left for the import or the health
      if (!writingBack.compareAndSet(false, true)) return Future.<Void>succeededFuture();
      return writeBack().<Void>mapEmpty().recover(err -> {
        LOG.warn("Write-back round failed: {}", err.toString());
        return Future.succeededFuture();
      }).onComplete(ar -> writingBack.set(false));
    });
  }

  /**
   * Turns the queue events since the last round into writes to the sources that write back, and sends those due; the
   * number sent. Rounds run with the scheduler ({@link #tick}).
   */
  public Future<Integer> writeBack() {
    return writeBack.round();
  }

  private Future<Void> polls() {
    return store.enabledSources(pool).compose(rows -> {
      Future<Void> all = Future.succeededFuture();
      for (StoredSource row : rows) {
        Source s = source(row);
        if (!kinds.get(s.kind()).polls()) continue; // push kinds send their records themselves
        all = all.compose(v -> store.state(pool, s.id()).compose(state -> commands.site(s.siteId()).compose(site -> {
          Instant now = clock.instant();
          boolean fullDue = fullReadDue(s, site.zone(), state.lastReconcileAt(), now);
          return pollDue(s.schedule().every(), state, fullDue, now) ? poller.run(s, fullDue).<Void>mapEmpty()
              : Future.<Void>succeededFuture();
        })).recover(err -> Future.succeededFuture())); // one source's failure is in its health, not the others'
      }
      return all;
    });
  }

  /**
   * Whether the scheduler polls a source now: at once the first time or when a full read is due (the first, the
   * night's), else its interval after the last attempt; but after a failed attempt only once its interval (at most
   * {@link #RETRY_AFTER_FAILURE}) has passed, whatever is due, so a source that is down is not asked every tick.
   */
  static boolean pollDue(Duration every, SyncStore.State state, boolean fullDue, Instant now) {
    Instant last = state.lastAttemptAt();
    if (last == null) return true;
    boolean failed = state.lastError() != null && state.lastErrorAt() != null && !state.lastErrorAt().isBefore(last);
    Duration wait = every.compareTo(RETRY_AFTER_FAILURE) < 0 ? every : RETRY_AFTER_FAILURE;
    if (failed) return !now.isBefore(last.plus(wait));
    return fullDue || !now.isBefore(last.plus(every));
  }

  /** The nightly full read is due once the site's local reconcile time has passed since the last full read. */
  private static boolean fullReadDue(Source s, ZoneId zone, Instant lastFull, Instant now) {
    if (lastFull == null) return true;
    Instant todays = LocalDate.ofInstant(now, zone).atTime(s.schedule().reconcileAt()).atZone(zone).toInstant();
    Instant latest = now.isBefore(todays) ? todays.minus(Duration.ofDays(1)) : todays;
    return lastFull.isBefore(latest);
  }

  // --- machinery

  SourceGuard guard(Source s) {
    return guards.computeIfAbsent(s.id(), id -> {
      SourceGuard g = new SourceGuard(vertx, "source-" + id, settings.resilience(), clock);
      metrics.watch(s, g.breaker());
      return g;
    });
  }

  private Source parse(UUID id, String siteId, JsonObject body, String fixedKind, Instant created, Instant updated) {
    if (body == null) throw new SyncException(INVALID, "The request needs a JSON body describing the source.");
    String kindName = fixedKind != null ? fixedKind : body.getString("kind");
    SourceKind kind = kinds.get(kindName);
    if (kind == null) {
      throw new SyncException(INVALID, "Source kind '" + kindName + "' is not supported; use " + String.join(", ",
          new java.util.TreeSet<>(kinds.keySet())) + "."); // sorted: Map.of has no stable order
    }
    String name = body.getString("name");
    if (name == null || name.isBlank() || name.length() > 100) {
      throw new SyncException(INVALID, "A source needs a name of 1 to 100 characters.");
    }
    JsonObject subscription = body.getJsonObject("subscription", new JsonObject());
    String secret = subscription.getString("secret");
    if (secret != null && secret.length() < 16) {
      throw new SyncException(INVALID, "subscription.secret must be at least 16 characters.");
    }
    boolean writeBack = body.getBoolean("writeBack", false);
    if (writeBack && !Source.FHIR_R4.equals(kindName)) {
      throw new SyncException(INVALID, "Only a fhir-r4 source can be written back to; a " + kindName
          + " source has no Appointment to update.");
    }
    Source s = new Source(id, siteId, kindName, name.trim(), body.getString("baseUrl", ""),
        SourceAuth.from(body.getJsonObject("auth"), null), Mapping.from(body.getJsonObject("mapping")),
        Schedule.from(body.getJsonObject("schedule")), body.getBoolean("enabled", true), writeBack, created, updated,
        secret);
    kind.validate(s);
    return s;
  }

  /** A definition that does not hold fails the future with its sentence instead of throwing. */
  private static Future<Source> parsed(java.util.function.Supplier<Source> parse) {
    try {
      return Future.succeededFuture(parse.get());
    } catch (SyncException e) {
      return Future.failedFuture(e);
    }
  }

  /** The queues the mapping names exist at the source's site; an HL7 v2 source's facility is no other's. */
  private Future<Void> checkMapping(Source s) {
    return commands.queuesOfSite(s.siteId()).map(queues -> {
      Set<String> known = new HashSet<>(queues.stream().map(ServiceQueue::id).toList());
      for (String q : s.mapping().queues()) {
        if (!known.contains(q)) throw new SyncException(INVALID, "The mapping names queue '" + q
            + "', which does not exist at site " + s.siteId() + ".");
      }
      return null;
    }).compose(v -> s.kind().equals(Hl7Kind.KIND) ? facilityFree(s) : Future.succeededFuture());
  }

  /** The node's MLLP listener routes by MSH-4, so one sending facility names one source, at any site. */
  private Future<Void> facilityFree(Source s) {
    String facility = s.mapping().hl7().sendingFacility();
    return store.hl7Sources(pool, Hl7Kind.KIND, facility).map(rows -> {
      if (rows.stream().anyMatch(r -> !r.id().equals(s.id()))) {
        throw new SyncException(CONFLICT, "Another HL7 v2 source already takes the messages of sending facility '"
            + facility + "' (MSH-4); each facility's messages go to one source.");
      }
      return null;
    });
  }

  private StoredSource stored(Source s) {
    JsonObject sealed = s.auth().secrets().copy();
    if (s.subscriptionSecret() != null) sealed.put(SUBSCRIPTION_SECRET, s.subscriptionSecret());
    return new StoredSource(s.id(), s.siteId(), s.kind(), s.name(), s.baseUrl(), s.auth().publicJson(),
        sealed.isEmpty() ? null : secrets.seal(s.id().toString(), sealed), s.mapping().toJson(),
        s.schedule().toJson(), s.enabled(), s.writeBack(), s.createdAt(), s.updatedAt());
  }

  private Source source(StoredSource row) {
    JsonObject open = row.sealedSecrets() == null ? new JsonObject()
        : secrets.open(row.id().toString(), row.sealedSecrets());
    return new Source(row.id(), row.siteId(), row.kind(), row.name(), row.baseUrl(),
        SourceAuth.from(row.auth(), open), Mapping.from(row.mapping()), Schedule.from(row.schedule()),
        row.enabled(), row.writeBack(), row.createdAt(), row.updatedAt(), open.getString(SUBSCRIPTION_SECRET));
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
