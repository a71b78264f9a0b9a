package io.waitline.sync.store;

import static io.waitline.queue.sql.Rows.first;
import static io.waitline.queue.sql.Rows.map;
import static io.waitline.queue.sql.Rows.odt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.event.LogCursor;
import io.waitline.sync.pipeline.SourcePatient;
import io.waitline.sync.writeback.WriteBackRule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/** Every SQL statement of pms-sync. Reads and writes only pms-sync's own tables. */
public final class SyncStore {
  private final boolean publishResults;

  /** @param publishResults whether each record's result is recorded for the Kafka relay ({@code sync_result}) */
  public SyncStore(boolean publishResults) {
    this.publishResults = publishResults;
  }

  /**
   * Records each {@code changed} inbox row's result at {@code at} when the parameter {@code flag} is true: the
   * source, the record's id and version there, and the outcome (not the sentence, which may quote the record).
   */
  private static String syncResult(String flag, String at) {
    return " result AS (INSERT INTO sync_result (record_key, type, data, at) SELECT ref, 'io.waitline.sync.result',"
        + " jsonb_build_object('sourceId', changed.source_id, 'siteId', s.site_id, 'externalId', changed.external_id,"
        + " 'version', changed.version, 'outcome', changed.outcome, 'appointmentRef', ref), " + at
        + " FROM changed JOIN sync_source s ON s.id = changed.source_id,"
        + " LATERAL (SELECT changed.source_id || ':' || changed.external_id AS ref) r WHERE " + flag + ")";
  }


  /** A source row as stored: the auth settings without secrets, and the sealed secrets. */
  public record StoredSource(UUID id, String siteId, String kind, String name, String baseUrl, JsonObject auth,
      String sealedSecrets, JsonObject mapping, JsonObject schedule, boolean enabled, boolean writeBack,
      Instant createdAt, Instant updatedAt) {}

  /** Where a source stands. */
  public record State(Instant watermark, Instant lastAttemptAt, Instant lastSuccessAt, String lastError,
      Instant lastErrorAt, Instant lastReconcileAt, Long lastEventNumber) {
    static final State NEVER = new State(null, null, null, null, null, null, null);
  }

  /** The latest applied version of a source appointment and the entry it became (null if none). */
  public record SyncedAppointment(String version, long versionOrder, Instant startAt, UUID entryId, UUID patientId,
      boolean deleted) {}

  public record DeadLetter(UUID id, UUID sourceId, String externalId, String version, long versionOrder,
      String payload, String reason, Instant createdAt, Instant replayedAt) {}

  public record MatchReview(UUID id, String siteId, UUID patientId, UUID candidateId, String status,
      Instant createdAt, Instant resolvedAt, String resolvedBy, JsonObject patient, JsonObject candidate) {}

  // --- sources

  public Future<Void> insertSource(SqlClient c, StoredSource s) {
    return c.preparedQuery("INSERT INTO sync_source (id, site_id, kind, name, base_url, auth, secrets, mapping,"
            + " schedule, enabled, write_back, created_at, updated_at)"
            + " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)")
        .execute(Tuple.from(new Object[] {s.id(), s.siteId(), s.kind(), s.name(), s.baseUrl(), s.auth(),
            s.sealedSecrets(), s.mapping(), s.schedule(), s.enabled(), s.writeBack(), odt(s.createdAt()),
            odt(s.updatedAt())}))
        .compose(v -> c.preparedQuery("INSERT INTO sync_state (source_id) VALUES ($1)").execute(Tuple.of(s.id())))
        .mapEmpty();
  }

  public Future<Void> updateSource(SqlClient c, StoredSource s) {
    return c.preparedQuery("UPDATE sync_source SET name = $2, base_url = $3, auth = $4, secrets = $5, mapping = $6,"
            + " schedule = $7, enabled = $8, updated_at = $9, write_back = $10 WHERE id = $1")
        .execute(Tuple.from(new Object[] {s.id(), s.name(), s.baseUrl(), s.auth(), s.sealedSecrets(), s.mapping(),
            s.schedule(), s.enabled(), odt(s.updatedAt()), s.writeBack()}))
        .mapEmpty();
  }

  /** @return whether a source was deleted */
  public Future<Boolean> deleteSource(SqlClient c, UUID id) {
    return c.preparedQuery("DELETE FROM sync_source WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0);
  }

  /** @return the source, or null */
  public Future<StoredSource> source(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT * FROM sync_source WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> first(rows, SyncStore::storedSource));
  }

  public Future<List<StoredSource>> sourcesOfSite(SqlClient c, String siteId) {
    return c.preparedQuery("SELECT * FROM sync_source WHERE site_id = $1 ORDER BY name, id")
        .execute(Tuple.of(siteId)).map(rows -> map(rows, SyncStore::storedSource));
  }

  public Future<List<StoredSource>> enabledSources(SqlClient c) {
    return c.query("SELECT * FROM sync_source WHERE enabled ORDER BY id").execute()
        .map(rows -> map(rows, SyncStore::storedSource));
  }

  // --- state

  public Future<State> state(SqlClient c, UUID sourceId) {
    return c.preparedQuery("SELECT * FROM sync_state WHERE source_id = $1").execute(Tuple.of(sourceId))
        .map(rows -> {
          State s = first(rows, r -> new State(inst(r, "watermark"), inst(r, "last_attempt_at"),
              inst(r, "last_success_at"), r.getString("last_error"), inst(r, "last_error_at"),
              inst(r, "last_reconcile_at"), r.getLong("last_event_number")));
          return s == null ? State.NEVER : s;
        });
  }

  /** Moves the watermark forward only: a late page can never take it back. */
  public Future<Void> advanceWatermark(SqlClient c, UUID sourceId, Instant watermark) {
    return c.preparedQuery("UPDATE sync_state SET watermark = GREATEST(watermark, $2) WHERE source_id = $1")
        .execute(Tuple.of(sourceId, odt(watermark))).mapEmpty();
  }

  /**
   * Records the highest subscription event number seen and returns the one before, atomically, so two notifications
   * arriving together cannot both miss a gap.
   */
  public Future<Long> swapEventNumber(SqlClient c, UUID sourceId, long eventNumber) {
    return c.preparedQuery("UPDATE sync_state s SET last_event_number = GREATEST(COALESCE(s.last_event_number, 0), $2)"
            + " FROM (SELECT last_event_number FROM sync_state WHERE source_id = $1 FOR UPDATE) old"
            + " WHERE s.source_id = $1 RETURNING old.last_event_number")
        .execute(Tuple.of(sourceId, eventNumber)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  public Future<Void> recordAttempt(SqlClient c, UUID sourceId, Instant at) {
    return c.preparedQuery("UPDATE sync_state SET last_attempt_at = $2 WHERE source_id = $1")
        .execute(Tuple.of(sourceId, odt(at))).mapEmpty();
  }

  public Future<Void> recordSuccess(SqlClient c, UUID sourceId, Instant at, boolean reconciled) {
    return c.preparedQuery("UPDATE sync_state SET last_success_at = $2, last_error = NULL,"
            + " last_reconcile_at = CASE WHEN $3 THEN $2 ELSE last_reconcile_at END WHERE source_id = $1")
        .execute(Tuple.of(sourceId, odt(at), reconciled)).mapEmpty();
  }

  /** @param keepEarlier keep the error already recorded, if any (a failure that only follows from it) */
  public Future<Void> recordError(SqlClient c, UUID sourceId, Instant at, String sentence, boolean keepEarlier) {
    return c.preparedQuery("UPDATE sync_state SET last_error = CASE WHEN $4 THEN COALESCE(last_error, $2) ELSE $2"
            + " END, last_error_at = $3 WHERE source_id = $1")
        .execute(Tuple.of(sourceId, sentence, odt(at), keepEarlier)).mapEmpty();
  }

  // --- inbox and appointments

  /** Serialises work on one source record across connections and nodes until the transaction ends. */
  public Future<Void> lockRecord(SqlClient c, UUID sourceId, String externalId) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .execute(Tuple.of(sourceId + "|" + externalId)).mapEmpty();
  }

  public Future<Received> inboxHas(SqlClient c, UUID sourceId, String externalId, String version) {
    return c.preparedQuery("SELECT payload_hash, outcome, detail FROM sync_inbox"
            + " WHERE source_id = $1 AND external_id = $2 AND version = $3")
        .execute(Tuple.of(sourceId, externalId, version))
        .map(rows -> rows.size() == 0 ? null : received(rows.iterator().next(), 0));
  }

  /**
   * A record version as the inbox has it: its payload's hash, and what became of it (with the sentence for a dead
   * letter).
   */
  public record Received(String hash, String outcome, String detail) {
    /** Whether it went to dead letters. */
    public boolean dead() {
      return "dead".equals(outcome);
    }

    /**
     * Whether a record arriving again under this version is to be applied rather than answered as before: a version
     * that went to dead letters, sent again with other content (the sender corrected it).
     */
    public boolean correctedBy(String hash) {
      return dead() && !this.hash.equals(hash);
    }
  }

  private static Received received(Row r, int from) {
    return new Received(r.getString(from), r.getString(from + 1), r.getString(from + 2));
  }

  /**
   * Closes the open dead letters of these records up to these versions (by version order): a later version, or the
   * same one corrected, was received and is what counts now; if it fails too it is a dead letter of its own.
   */
  public Future<Void> closeDeadLetters(SqlClient c, List<RecordKey> records, List<Long> upTo, Instant at) {
    if (records.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("UPDATE sync_dead_letter d SET replayed_at = $4 FROM unnest($1::uuid[], $2::text[],"
            + " $3::bigint[]) AS x(s, e, o) WHERE d.source_id = x.s AND d.external_id = x.e AND d.version_order <= x.o"
            + " AND d.replayed_at IS NULL")
        .execute(Tuple.of(sourceIds(records), externalIds(records), upTo.toArray(Long[]::new), odt(at)))
        .mapEmpty();
  }

  /** Records what became of a record version; a replay overwrites the earlier outcome. */
  public Future<Void> putInbox(SqlClient c, UUID sourceId, String externalId, String version, String hash,
      Instant at, String outcome, String detail) {
    return c.preparedQuery("WITH changed AS (INSERT INTO sync_inbox (source_id, external_id, version, payload_hash,"
            + " received_at, outcome, detail) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (source_id, external_id, version)"
            + " DO UPDATE SET payload_hash = EXCLUDED.payload_hash, outcome = EXCLUDED.outcome, detail = EXCLUDED.detail"
            + " RETURNING source_id, external_id, version, outcome)," + syncResult("$8", "$5::timestamptz")
            + " SELECT count(*) FROM changed")
        .execute(Tuple.from(new Object[] {sourceId, externalId, version, hash, odt(at), outcome, detail,
            publishResults}))
        .mapEmpty();
  }

  // --- the same, for a batch of records of any sources (each record at most once): one statement however many

  /** A source's record: the source and its id there. */
  public record RecordKey(UUID sourceId, String externalId) {}

  /** What became of one record version, for {@link #putInboxAll}. */
  public record InboxRow(RecordKey key, String version, String hash, String outcome, String detail) {}

  /** {@link #lockRecord} for many records, taken in the order of their lock keys so two batches cannot deadlock. */
  public Future<Void> lockRecords(SqlClient c, Collection<RecordKey> records) {
    return lockInOrder(c, records.stream().map(k -> k.sourceId() + "|" + k.externalId()));
  }

  /**
   * Serialises finding or creating the patients who hold these identifiers, across connections and nodes, until the
   * transaction ends: two transactions bringing one new patient (two batches, two sources) would otherwise each miss
   * the other's uncommitted patient and create one each, the later one's identifier silently dropped. Taken after
   * the records' locks and in the order of their keys, so two transactions cannot deadlock on them.
   */
  public Future<Void> lockIdentifiers(SqlClient c, Collection<SiteIdentifier> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return lockInOrder(c, ids.stream()
        .map(i -> "patient|" + i.siteId() + "|" + i.identifier().system() + "|" + i.identifier().value()));
  }

  /** Transaction-scoped advisory locks on the distinct keys, taken in the keys' order. */
  private static Future<Void> lockInOrder(SqlClient c, Stream<String> keys) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended(k, 0))"
            + " FROM unnest($1::text[]) WITH ORDINALITY AS x(k, i) ORDER BY i")
        .execute(Tuple.of((Object) keys.distinct().sorted().toArray(String[]::new))).mapEmpty();
  }

  /*
   * The batch's look-ups probe the primary key once per key, in a LATERAL subquery with LIMIT 1 that the planner
   * cannot turn into a hash join: joined plainly with the unnest, PostgreSQL chose to hash the source's whole inbox
   * (or the site's identifiers, or the source's appointments) for every batch, which grew with the tables.
   */

  /** Which of the records have the version of the same index in the inbox. */
  public Future<Map<RecordKey, Received>> inboxHasAll(SqlClient c, List<RecordKey> records, List<String> versions) {
    return c.preparedQuery("SELECT i.source_id, i.external_id, i.payload_hash, i.outcome, i.detail"
            + " FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(s, e, v) CROSS JOIN LATERAL"
            + " (SELECT source_id, external_id, payload_hash, outcome, detail FROM sync_inbox"
            + " WHERE source_id = x.s AND external_id = x.e AND version = x.v LIMIT 1) i")
        .execute(Tuple.of(sourceIds(records), externalIds(records), versions.toArray(String[]::new)))
        .map(rows -> {
          Map<RecordKey, Received> seen = new HashMap<>();
          rows.forEach(r -> seen.put(new RecordKey(r.getUUID(0), r.getString(1)), received(r, 2)));
          return seen;
        });
  }

  public Future<Void> putInboxAll(SqlClient c, List<InboxRow> rows, Instant at) {
    if (rows.isEmpty()) return Future.succeededFuture();
    List<RecordKey> keys = rows.stream().map(InboxRow::key).toList();
    return c.preparedQuery("WITH changed AS (INSERT INTO sync_inbox (source_id, external_id, version, payload_hash,"
            + " received_at, outcome, detail) SELECT s, e, v, h, $1, o, d FROM unnest($2::uuid[], $3::text[],"
            + " $4::text[], $5::text[], $6::text[], $7::text[]) AS x(s, e, v, h, o, d)"
            + " ON CONFLICT (source_id, external_id, version) DO UPDATE SET payload_hash = EXCLUDED.payload_hash, outcome = EXCLUDED.outcome,"
            + " detail = EXCLUDED.detail RETURNING source_id, external_id, version, outcome),"
            + syncResult("$8", "$1::timestamptz") + " SELECT count(*) FROM changed")
        .execute(Tuple.from(new Object[] {odt(at), sourceIds(keys), externalIds(keys),
            column(rows, InboxRow::version), column(rows, InboxRow::hash), column(rows, InboxRow::outcome),
            column(rows, InboxRow::detail), publishResults}))
        .mapEmpty();
  }

  /** The applied versions of the appointments among {@code records} that have one. */
  public Future<Map<RecordKey, SyncedAppointment>> appointments(SqlClient c, List<RecordKey> records) {
    return c.preparedQuery("SELECT a.* FROM unnest($1::uuid[], $2::text[]) AS x(s, e) CROSS JOIN LATERAL"
            + " (SELECT * FROM sync_appointment WHERE source_id = x.s AND external_id = x.e LIMIT 1) a")
        .execute(Tuple.of(sourceIds(records), (Object) externalIds(records))).map(rows -> {
          Map<RecordKey, SyncedAppointment> found = new HashMap<>();
          rows.forEach(r -> found.put(new RecordKey(r.getUUID("source_id"), r.getString("external_id")),
              syncedAppointment(r)));
          return found;
        });
  }

  private static UUID[] sourceIds(List<RecordKey> keys) {
    return keys.stream().map(RecordKey::sourceId).toArray(UUID[]::new);
  }

  private static String[] externalIds(List<RecordKey> keys) {
    return column(keys, RecordKey::externalId);
  }

  /** {@link #putAppointment} for many: {@code records} and {@code appointments} go together by index. */
  public Future<Void> putAppointments(SqlClient c, List<RecordKey> records, List<SyncedAppointment> appointments) {
    if (records.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("INSERT INTO sync_appointment (source_id, external_id, version, version_order, start_at,"
            + " entry_id, patient_id, deleted) SELECT sr, e, v, o, s, en, p, d FROM unnest($1::uuid[], $2::text[],"
            + " $3::text[], $4::bigint[], $5::timestamptz[], $6::uuid[], $7::uuid[], $8::boolean[])"
            + " AS x(sr, e, v, o, s, en, p, d)"
            + " ON CONFLICT (source_id, external_id) DO UPDATE SET version = EXCLUDED.version,"
            + " version_order = EXCLUDED.version_order, start_at = EXCLUDED.start_at, entry_id = EXCLUDED.entry_id,"
            + " patient_id = EXCLUDED.patient_id, deleted = EXCLUDED.deleted")
        .execute(Tuple.from(new Object[] {sourceIds(records), externalIds(records),
            appointments.stream().map(SyncedAppointment::version).toArray(String[]::new),
            appointments.stream().map(SyncedAppointment::versionOrder).toArray(Long[]::new),
            appointments.stream().map(a -> odt(a.startAt())).toArray(OffsetDateTime[]::new),
            appointments.stream().map(SyncedAppointment::entryId).toArray(UUID[]::new),
            appointments.stream().map(SyncedAppointment::patientId).toArray(UUID[]::new),
            appointments.stream().map(SyncedAppointment::deleted).toArray(Boolean[]::new)}))
        .mapEmpty();
  }

  /** A patient identifier at a site (identifiers are the same patient only within a site). */
  public record SiteIdentifier(String siteId, SourcePatient.Identifier identifier) {}

  /** The patients holding any of the identifiers. */
  public Future<Map<SiteIdentifier, UUID>> patientsByIdentifiers(SqlClient c, List<SiteIdentifier> ids) {
    return c.preparedQuery("SELECT i.site_id, i.system, i.value, i.patient_id"
            + " FROM unnest($1::text[], $2::text[], $3::text[]) AS x(site, s, v)"
            + " CROSS JOIN LATERAL (SELECT site_id, system, value, patient_id FROM sync_patient_identifier"
            + " WHERE site_id = x.site AND system = x.s AND value = x.v LIMIT 1) i")
        .execute(Tuple.of(column(ids, SiteIdentifier::siteId), column(ids, i -> i.identifier().system()),
            column(ids, i -> i.identifier().value())))
        .map(rows -> {
          Map<SiteIdentifier, UUID> found = new HashMap<>();
          rows.forEach(r -> found.put(new SiteIdentifier(r.getString(0),
              new SourcePatient.Identifier(r.getString(1), r.getString(2))), r.getUUID(3)));
          return found;
        });
  }

  /** {@link #insertPatient} for many: {@code ids}, {@code siteIds} and {@code patients} go together by index. */
  public Future<Void> insertPatients(SqlClient c, List<UUID> ids, List<String> siteIds, List<SourcePatient> patients,
      Instant at) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("INSERT INTO sync_patient (id, site_id, name, birth_date, phone, email, language,"
            + " created_at) SELECT i, s, n, b, p, e, l, $1 FROM unnest($2::uuid[], $3::text[], $4::text[], $5::date[],"
            + " $6::text[], $7::text[], $8::text[]) AS x(i, s, n, b, p, e, l)")
        .execute(Tuple.from(new Object[] {odt(at), ids.toArray(UUID[]::new), siteIds.toArray(String[]::new),
            column(patients, SourcePatient::name), patients.stream().map(SourcePatient::birthDate)
            .toArray(LocalDate[]::new), column(patients, SourcePatient::phone), column(patients, SourcePatient::email),
            column(patients, SourcePatient::language)}))
        .mapEmpty();
  }

  /** {@link #updatePatient} for many distinct patients: {@code ids} and {@code patients} go together by index. */
  public Future<Void> updatePatients(SqlClient c, List<UUID> ids, List<SourcePatient> patients) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("UPDATE sync_patient t SET name = x.n, birth_date = COALESCE(x.b, t.birth_date),"
            + " phone = COALESCE(x.p, t.phone), email = COALESCE(x.e, t.email), language = COALESCE(x.l, t.language)"
            + " FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[])"
            + " AS x(i, n, b, p, e, l) WHERE t.id = x.i")
        .execute(Tuple.from(new Object[] {ids.toArray(UUID[]::new), column(patients, SourcePatient::name),
            patients.stream().map(SourcePatient::birthDate).toArray(LocalDate[]::new),
            column(patients, SourcePatient::phone), column(patients, SourcePatient::email),
            column(patients, SourcePatient::language)}))
        .mapEmpty();
  }

  /** {@link #addIdentifier} for many: each identifier goes to the patient of the same index. */
  public Future<Void> addIdentifiers(SqlClient c, List<SiteIdentifier> ids, List<UUID> patientIds) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("INSERT INTO sync_patient_identifier (site_id, system, value, patient_id)"
            + " SELECT site, s, v, p FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[]) AS x(site, s, v, p)"
            + " ON CONFLICT DO NOTHING")
        .execute(Tuple.of(column(ids, SiteIdentifier::siteId), column(ids, i -> i.identifier().system()),
            column(ids, i -> i.identifier().value()), patientIds.toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** A patient created by a batch, for {@link #suggestMatches}: for which source's record, at which site. */
  public record CreatedPatient(UUID id, String siteId, RecordKey record, SourcePatient patient) {}

  /**
   * {@link #suggestMatches}' statement: one probe of sync_patient_same_person per new patient on all three of its
   * columns (OFFSET 0 keeps the subquery a parameterised probe, and the new name compared as computed once in n), so
   * a batch's cost does not grow with the site's patients. That index is the only one of sync_patient on these
   * columns: with another on site and name, the planner of a table not yet analysed probed by site and birth date
   * only and normalised the name of every patient born that day, for each new one. Its parameters: the time, then
   * the new patients' ids, sites, sources, external ids, names and birth dates as arrays.
   */
  static final String SUGGEST_MATCHES = "INSERT INTO sync_match_review (id, site_id, patient_id, candidate_id,"
      + " source_id, external_id, status, created_at) SELECT gen_random_uuid(), n.site, n.id, p.id, n.src, n.ext,"
      + " 'open', $1 FROM (SELECT id, site, src, ext, birth, i, lower(regexp_replace(trim(name), '\\s+', ' ', 'g'))"
      + " AS compared FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::date[])"
      + " WITH ORDINALITY AS u(id, site, src, ext, name, birth, i) OFFSET 0) n"
      + " CROSS JOIN LATERAL (SELECT id, created_at FROM sync_patient WHERE site_id = n.site"
      + " AND birth_date = n.birth AND lower(regexp_replace(trim(name), '\\s+', ' ', 'g')) = n.compared"
      + " AND id <> n.id OFFSET 0) p"
      + " WHERE coalesce(array_position($2::uuid[], p.id) < n.i, true)"
      + " ORDER BY n.i, p.created_at ON CONFLICT DO NOTHING";

  /**
   * Opens a match review for each new patient (in creation order) with every other patient of its site of the same
   * name and birth date that existed before it: those stored before the batch and those created earlier in it.
   */
  public Future<Void> suggestMatches(SqlClient c, List<CreatedPatient> created, Instant at) {
    if (created.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery(SUGGEST_MATCHES)
        .execute(Tuple.from(new Object[] {odt(at), created.stream().map(CreatedPatient::id).toArray(UUID[]::new),
            column(created, CreatedPatient::siteId), created.stream().map(p -> p.record().sourceId())
            .toArray(UUID[]::new), column(created, p -> p.record().externalId()),
            column(created, p -> p.patient().name()),
            created.stream().map(p -> p.patient().birthDate()).toArray(LocalDate[]::new)}))
        .mapEmpty();
  }

  /** {@link #insertDeadLetter} for many. */
  public Future<Void> insertDeadLetters(SqlClient c, List<DeadLetter> letters) {
    if (letters.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("INSERT INTO sync_dead_letter (id, source_id, external_id, version, version_order,"
            + " payload, reason, created_at) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[],"
            + " $5::bigint[], $6::text[], $7::text[], $8::timestamptz[])")
        .execute(Tuple.from(new Object[] {letters.stream().map(DeadLetter::id).toArray(UUID[]::new),
            letters.stream().map(DeadLetter::sourceId).toArray(UUID[]::new), column(letters, DeadLetter::externalId),
            column(letters, DeadLetter::version), letters.stream().map(DeadLetter::versionOrder).toArray(Long[]::new),
            column(letters, DeadLetter::payload), column(letters, DeadLetter::reason),
            letters.stream().map(d -> odt(d.createdAt())).toArray(OffsetDateTime[]::new)}))
        .mapEmpty();
  }

  private static <T> String[] column(List<T> rows, Function<T, String> field) {
    return rows.stream().map(field).toArray(String[]::new);
  }

  /** Stored outcomes of a source's records, by outcome. */
  public Future<Map<String, Long>> outcomeCounts(SqlClient c, UUID sourceId) {
    return c.preparedQuery("SELECT outcome, count(*) AS n FROM sync_inbox WHERE source_id = $1 GROUP BY outcome")
        .execute(Tuple.of(sourceId)).map(rows -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          rows.forEach(r -> counts.put(r.getString("outcome"), r.getLong("n")));
          return counts;
        });
  }

  /** Recent conflicts with the desk, newest first: what staff are shown instead of a silent change. */
  public Future<List<JsonObject>> conflicts(SqlClient c, UUID sourceId, int limit) {
    return c.preparedQuery("SELECT external_id, version, detail, received_at FROM sync_inbox"
            + " WHERE source_id = $1 AND outcome = 'conflict' ORDER BY received_at DESC LIMIT $2")
        .execute(Tuple.of(sourceId, limit)).map(rows -> map(rows, r -> new JsonObject()
            .put("externalId", r.getString("external_id")).put("version", r.getString("version"))
            .put("detail", r.getString("detail")).put("at", inst(r, "received_at").toString())));
  }

  /** @return the appointment, or null */
  public Future<SyncedAppointment> appointment(SqlClient c, UUID sourceId, String externalId) {
    return c.preparedQuery("SELECT * FROM sync_appointment WHERE source_id = $1 AND external_id = $2")
        .execute(Tuple.of(sourceId, externalId)).map(rows -> first(rows, SyncStore::syncedAppointment));
  }

  private static SyncedAppointment syncedAppointment(Row r) {
    return new SyncedAppointment(r.getString("version"), r.getLong("version_order"), inst(r, "start_at"),
        r.getUUID("entry_id"), r.getUUID("patient_id"), r.getBoolean("deleted"));
  }

  public Future<Void> putAppointment(SqlClient c, UUID sourceId, String externalId, SyncedAppointment a) {
    return c.preparedQuery("INSERT INTO sync_appointment (source_id, external_id, version, version_order, start_at,"
            + " entry_id, patient_id, deleted) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
            + " ON CONFLICT (source_id, external_id) DO UPDATE SET version = EXCLUDED.version,"
            + " version_order = EXCLUDED.version_order, start_at = EXCLUDED.start_at, entry_id = EXCLUDED.entry_id,"
            + " patient_id = EXCLUDED.patient_id, deleted = EXCLUDED.deleted")
        .execute(Tuple.from(new Object[] {sourceId, externalId, a.version(), a.versionOrder(), odt(a.startAt()),
            a.entryId(), a.patientId(), a.deleted()}))
        .mapEmpty();
  }

  /** External ids of the source's live appointments starting in [from, to): what a full reconcile compares. */
  public Future<List<String>> liveAppointmentsBetween(SqlClient c, UUID sourceId, Instant from, Instant to) {
    return c.preparedQuery("SELECT external_id FROM sync_appointment WHERE source_id = $1 AND NOT deleted"
            + " AND start_at >= $2 AND start_at < $3 ORDER BY external_id")
        .execute(Tuple.of(sourceId, odt(from), odt(to))).map(rows -> map(rows, r -> r.getString("external_id")));
  }

  // --- patients

  /** @return the patient holding identifier (system, value) at the site, or null */
  public Future<UUID> patientByIdentifier(SqlClient c, String siteId, String system, String value) {
    return c.preparedQuery("SELECT patient_id FROM sync_patient_identifier WHERE site_id = $1 AND system = $2"
            + " AND value = $3").execute(Tuple.of(siteId, system, value))
        .map(rows -> first(rows, r -> r.getUUID("patient_id")));
  }

  public Future<Void> insertPatient(SqlClient c, UUID id, String siteId, SourcePatient p, Instant at) {
    return c.preparedQuery("INSERT INTO sync_patient (id, site_id, name, birth_date, phone, email, language,"
            + " created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)")
        .execute(Tuple.from(new Object[] {id, siteId, p.name(), p.birthDate(), p.phone(), p.email(), p.language(),
            odt(at)}))
        .mapEmpty();
  }

  /** Keeps the latest contact details a source gave; a source that gives none leaves the known ones. */
  public Future<Void> updatePatient(SqlClient c, UUID id, SourcePatient p) {
    return c.preparedQuery("UPDATE sync_patient SET name = $2, birth_date = COALESCE($3, birth_date),"
            + " phone = COALESCE($4, phone), email = COALESCE($5, email), language = COALESCE($6, language)"
            + " WHERE id = $1")
        .execute(Tuple.from(new Object[] {id, p.name(), p.birthDate(), p.phone(), p.email(), p.language()}))
        .mapEmpty();
  }

  /** Gives the patient an identifier unless another patient already holds it. */
  public Future<Void> addIdentifier(SqlClient c, String siteId, String system, String value, UUID patientId) {
    return c.preparedQuery("INSERT INTO sync_patient_identifier (site_id, system, value, patient_id)"
            + " VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(siteId, system, value, patientId)).mapEmpty();
  }

  /** Other patients of the site with the same name (case and spacing ignored) and birth date. */
  public Future<List<UUID>> patientsNamed(SqlClient c, String siteId, String name, LocalDate birthDate, UUID except) {
    return c.preparedQuery("SELECT id FROM sync_patient WHERE site_id = $1"
            + " AND lower(regexp_replace(trim(name), '\\s+', ' ', 'g')) = lower(regexp_replace(trim($2), '\\s+', ' ', 'g'))"
            + " AND birth_date = $3 AND id <> $4 ORDER BY created_at")
        .execute(Tuple.of(siteId, name, birthDate, except)).map(rows -> map(rows, r -> r.getUUID("id")));
  }

  /** The patient's language, as a source last gave it; null if none did. */
  public Future<String> patientLanguage(SqlClient c, UUID patientId) {
    return c.preparedQuery("SELECT language FROM sync_patient WHERE id = $1").execute(Tuple.of(patientId))
        .map(rows -> first(rows, r -> r.getString("language")));
  }

  // --- match reviews

  public Future<Void> insertReview(SqlClient c, UUID id, String siteId, UUID patientId, UUID candidateId,
      UUID sourceId, String externalId, Instant at) {
    return c.preparedQuery("INSERT INTO sync_match_review (id, site_id, patient_id, candidate_id, source_id,"
            + " external_id, status, created_at) VALUES ($1,$2,$3,$4,$5,$6,'open',$7) ON CONFLICT DO NOTHING")
        .execute(Tuple.from(new Object[] {id, siteId, patientId, candidateId, sourceId, externalId, odt(at)}))
        .mapEmpty();
  }

  private static final String REVIEW_SELECT = "SELECT r.*, p.name AS p_name, p.birth_date AS p_birth,"
      + " p.phone AS p_phone, c.name AS c_name, c.birth_date AS c_birth, c.phone AS c_phone,"
      + " (SELECT json_agg(json_build_object('system', i.system, 'value', i.value)) FROM sync_patient_identifier i"
      + "   WHERE i.patient_id = p.id) AS p_ids,"
      + " (SELECT json_agg(json_build_object('system', i.system, 'value', i.value)) FROM sync_patient_identifier i"
      + "   WHERE i.patient_id = c.id) AS c_ids"
      + " FROM sync_match_review r JOIN sync_patient p ON p.id = r.patient_id JOIN sync_patient c ON c.id = r.candidate_id";

  public Future<List<MatchReview>> reviews(SqlClient c, String siteId, String status) {
    return c.preparedQuery(REVIEW_SELECT + " WHERE r.site_id = $1 AND r.status = $2 ORDER BY r.created_at, r.id")
        .execute(Tuple.of(siteId, status)).map(rows -> map(rows, SyncStore::review));
  }

  /** @return the review, locked for resolving, or null */
  public Future<MatchReview> reviewForUpdate(SqlClient c, UUID id) {
    return c.preparedQuery(REVIEW_SELECT + " WHERE r.id = $1 FOR UPDATE OF r").execute(Tuple.of(id))
        .map(rows -> first(rows, SyncStore::review));
  }

  public Future<Void> resolveReview(SqlClient c, UUID id, String status, String by, Instant at) {
    return c.preparedQuery("UPDATE sync_match_review SET status = $2, resolved_by = $3, resolved_at = $4"
            + " WHERE id = $1").execute(Tuple.of(id, status, by, odt(at))).mapEmpty();
  }

  /** Confirmed match: {@code from}'s identifiers and appointments become {@code into}'s. */
  public Future<Void> mergePatient(SqlClient c, UUID from, UUID into) {
    return c.preparedQuery("UPDATE sync_patient_identifier SET patient_id = $2 WHERE patient_id = $1")
        .execute(Tuple.of(from, into))
        .compose(v -> c.preparedQuery("UPDATE sync_appointment SET patient_id = $2 WHERE patient_id = $1")
            .execute(Tuple.of(from, into)))
        .compose(v -> c.preparedQuery("UPDATE sync_match_review SET status = 'rejected' WHERE status = 'open'"
            + " AND (patient_id = $1 OR candidate_id = $1)").execute(Tuple.of(from)))
        .mapEmpty();
  }

  // --- dead letters

  public Future<Void> insertDeadLetter(SqlClient c, DeadLetter d) {
    return c.preparedQuery("INSERT INTO sync_dead_letter (id, source_id, external_id, version, version_order,"
            + " payload, reason, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)")
        .execute(Tuple.from(new Object[] {d.id(), d.sourceId(), d.externalId(), d.version(), d.versionOrder(),
            d.payload(), d.reason(), odt(d.createdAt())}))
        .mapEmpty();
  }

  public Future<List<DeadLetter>> deadLetters(SqlClient c, UUID sourceId, boolean includeReplayed) {
    return c.preparedQuery("SELECT * FROM sync_dead_letter WHERE source_id = $1"
            + (includeReplayed ? "" : " AND replayed_at IS NULL") + " ORDER BY created_at DESC, id LIMIT 500")
        .execute(Tuple.of(sourceId)).map(rows -> map(rows, SyncStore::deadLetter));
  }

  /** @return the dead letter, locked for replay, or null */
  public Future<DeadLetter> deadLetterForUpdate(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT * FROM sync_dead_letter WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
        .map(rows -> first(rows, SyncStore::deadLetter));
  }

  public Future<Void> markReplayed(SqlClient c, UUID id, Instant at) {
    return c.preparedQuery("UPDATE sync_dead_letter SET replayed_at = $2 WHERE id = $1")
        .execute(Tuple.of(id, odt(at))).mapEmpty();
  }

  public Future<Void> updateDeadLetterReason(SqlClient c, UUID id, String reason) {
    return c.preparedQuery("UPDATE sync_dead_letter SET reason = $2 WHERE id = $1")
        .execute(Tuple.of(id, reason)).mapEmpty();
  }

  // --- leases

  /**
   * Takes or renews the source's polling lease for {@code holder} until {@code until}; succeeds only if nobody
   * else holds an unexpired lease at {@code now}.
   */
  public Future<Boolean> tryLease(SqlClient c, UUID sourceId, String holder, Instant now, Instant until) {
    return c.preparedQuery("INSERT INTO sync_lease (source_id, holder, expires_at) VALUES ($1, $2, $4)"
            + " ON CONFLICT (source_id) DO UPDATE SET holder = $2, expires_at = $4"
            + " WHERE sync_lease.holder = $2 OR sync_lease.expires_at <= $3 RETURNING holder")
        .execute(Tuple.of(sourceId, holder, odt(now), odt(until))).map(rows -> rows.size() > 0);
  }

  public Future<Void> releaseLease(SqlClient c, UUID sourceId, String holder) {
    return c.preparedQuery("DELETE FROM sync_lease WHERE source_id = $1 AND holder = $2")
        .execute(Tuple.of(sourceId, holder)).mapEmpty();
  }

  /** @return the HL7 v2 sources whose mapping names this MSH-4 sending facility (one, unless misconfigured) */
  public Future<List<StoredSource>> hl7Sources(SqlClient c, String kind, String sendingFacility) {
    return c.preparedQuery("SELECT * FROM sync_source WHERE kind = $1 AND mapping->'hl7'->>'sendingFacility' = $2")
        .execute(Tuple.of(kind, sendingFacility)).map(rows -> map(rows, SyncStore::storedSource));
  }

  /** @return who holds the source's lease, or null */
  public Future<String> leaseHolder(SqlClient c, UUID sourceId, Instant now) {
    return c.preparedQuery("SELECT holder FROM sync_lease WHERE source_id = $1 AND expires_at > $2")
        .execute(Tuple.of(sourceId, odt(now))).map(rows -> first(rows, r -> r.getString("holder")));
  }

  // --- write-back

  /** A status to write that is due, claimed by this node ({@code attempts} counts this one). */
  public record DueWriteBack(long id, UUID sourceId, String appointmentId, String status, int attempts) {}

  /** Where the write-back reader stands, locked for this transaction; null before its first run. */
  public Future<LogCursor> lockWriteBackCheckpoint(SqlClient c) {
    return c.query("SELECT last_xact, last_event FROM sync_write_back_checkpoint WHERE id = 1 FOR UPDATE").execute()
        .map(rows -> first(rows, r -> new LogCursor(r.getLong("last_xact"), r.getLong("last_event"))));
  }

  public Future<Void> saveWriteBackCheckpoint(SqlClient c, LogCursor cursor, Instant now) {
    return c.preparedQuery("INSERT INTO sync_write_back_checkpoint (id, last_xact, last_event, updated_at)"
            + " VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET last_xact = $1, last_event = $2, updated_at = $3")
        .execute(Tuple.of(cursor.xact(), cursor.position(), odt(now))).mapEmpty();
  }

  /** Whether any enabled fhir-r4 source writes back. */
  public Future<Boolean> anyWritingBack(SqlClient c) {
    return c.query("SELECT EXISTS (SELECT 1 FROM sync_source WHERE write_back AND enabled AND kind = 'fhir-r4')")
        .execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** The enabled fhir-r4 sources that write back, among {@code ids}. */
  public Future<java.util.Set<UUID>> writingBack(SqlClient c, java.util.Collection<UUID> ids) {
    return c.preparedQuery("SELECT id FROM sync_source WHERE id = ANY($1) AND write_back AND enabled"
            + " AND kind = 'fhir-r4'")
        .execute(Tuple.of(ids.toArray(new UUID[0])))
        .map(rows -> new java.util.HashSet<>(map(rows, r -> r.getUUID("id"))));
  }

  /** Records statuses to write; one already recorded (same source, appointment and status) is left as it is. */
  public Future<Void> insertWriteBacks(SqlClient c, List<WriteBackRule.Intent> intents, Instant now) {
    if (intents.isEmpty()) return Future.succeededFuture();
    return c.preparedQuery("INSERT INTO sync_write_back (source_id, appointment_id, status, state, next_attempt_at,"
            + " created_at, updated_at) VALUES ($1, $2, $3, 'pending', $4, $4, $4)"
            + " ON CONFLICT (source_id, appointment_id, status) DO NOTHING")
        .executeBatch(intents.stream().map(i -> Tuple.of(i.sourceId(), i.appointmentId(), i.status().toCode(),
            odt(now))).toList())
        .mapEmpty();
  }

  /**
   * Claims up to {@code limit} due writes for this node until {@code claimedUntil} (so another node leaves them
   * alone while this one calls the source, and takes them over should this one die), counting the attempt.
   */
  public Future<List<DueWriteBack>> claimDueWriteBacks(SqlClient c, Instant now, Instant claimedUntil, int limit) {
    return c.preparedQuery("UPDATE sync_write_back SET next_attempt_at = $2, attempts = attempts + 1, updated_at = $1"
            + " WHERE id IN (SELECT id FROM sync_write_back WHERE state = 'pending' AND next_attempt_at <= $1"
            + " ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)"
            + " RETURNING id, source_id, appointment_id, status, attempts")
        .execute(Tuple.of(odt(now), odt(claimedUntil), limit))
        .map(rows -> map(rows, r -> new DueWriteBack(r.getLong("id"), r.getUUID("source_id"),
            r.getString("appointment_id"), r.getString("status"), r.getInteger("attempts"))));
  }

  /** Ends a write: {@code done} or {@code failed}, or back to pending until {@code nextAttempt}; with its sentence. */
  public Future<Void> settleWriteBack(SqlClient c, long id, String state, Instant nextAttempt, String detail,
      Instant now) {
    return c.preparedQuery("UPDATE sync_write_back SET state = $2, next_attempt_at = coalesce($3, next_attempt_at),"
            + " detail = $4, updated_at = $5 WHERE id = $1")
        .execute(Tuple.of(id, state, odt(nextAttempt), detail, odt(now))).mapEmpty();
  }

  /** A source's writes by state, and the latest failure's sentence (pending again or failed for good). */
  public Future<JsonObject> writeBackHealth(SqlClient c, UUID sourceId) {
    return c.preparedQuery("SELECT count(*) FILTER (WHERE state = 'pending') AS pending,"
            + " count(*) FILTER (WHERE state = 'done') AS done, count(*) FILTER (WHERE state = 'failed') AS failed,"
            + " (SELECT detail FROM sync_write_back WHERE source_id = $1 AND state <> 'done' AND detail IS NOT NULL"
            + " ORDER BY updated_at DESC, id DESC LIMIT 1) AS last_error,"
            + " (SELECT max(updated_at) FROM sync_write_back WHERE source_id = $1 AND state <> 'done'"
            + " AND detail IS NOT NULL) AS last_error_at"
            + " FROM sync_write_back WHERE source_id = $1")
        .execute(Tuple.of(sourceId))
        .map(rows -> {
          Row r = rows.iterator().next();
          Instant at = inst(r, "last_error_at");
          return new JsonObject().put("pending", r.getLong("pending")).put("done", r.getLong("done"))
              .put("failed", r.getLong("failed")).put("lastError", r.getString("last_error"))
              .put("lastErrorAt", at == null ? null : at.toString());
        });
  }

  // --- rows

  private static StoredSource storedSource(Row r) {
    return new StoredSource(r.getUUID("id"), r.getString("site_id"), r.getString("kind"), r.getString("name"),
        r.getString("base_url"), (JsonObject) r.getValue("auth"), r.getString("secrets"),
        (JsonObject) r.getValue("mapping"), (JsonObject) r.getValue("schedule"), r.getBoolean("enabled"),
        r.getBoolean("write_back"), inst(r, "created_at"), inst(r, "updated_at"));
  }

  private static DeadLetter deadLetter(Row r) {
    return new DeadLetter(r.getUUID("id"), r.getUUID("source_id"), r.getString("external_id"),
        r.getString("version"), r.getLong("version_order"), r.getString("payload"), r.getString("reason"),
        inst(r, "created_at"), inst(r, "replayed_at"));
  }

  private static MatchReview review(Row r) {
    return new MatchReview(r.getUUID("id"), r.getString("site_id"), r.getUUID("patient_id"),
        r.getUUID("candidate_id"), r.getString("status"), inst(r, "created_at"), inst(r, "resolved_at"),
        r.getString("resolved_by"), person(r, "p_"), person(r, "c_"));
  }

  private static JsonObject person(Row r, String prefix) {
    LocalDate birth = r.getLocalDate(prefix + "birth");
    Object ids = r.getValue(prefix + "ids");
    return new JsonObject().put("name", r.getString(prefix + "name"))
        .put("birthDate", birth == null ? null : birth.toString()).put("phone", r.getString(prefix + "phone"))
        .put("identifiers", ids == null ? new io.vertx.core.json.JsonArray() : ids);
  }

  static Instant inst(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
