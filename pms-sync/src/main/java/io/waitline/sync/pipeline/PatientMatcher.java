package io.waitline.sync.pipeline;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.waitline.queue.sql.Pipelined;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.CreatedPatient;
import io.waitline.sync.store.SyncStore.RecordKey;
import io.waitline.sync.store.SyncStore.SiteIdentifier;
import io.waitline.sync.store.SyncStore.SyncedAppointment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Finds the site's patient a source means. The same identifier (system + value) is the same patient, whichever
 * source sends it; a patient with no known identifier but the same name and birth date as another is a new patient
 * with a <em>suggested</em> match that staff confirm or reject. Patients are never merged silently.
 *
 * <p>Every source also identifies its patients by its own reference ({@code Patient/7}), under the system
 * {@code urn:waitline:source:<source id>}, so a source that sends no identifiers still finds its patients again.
 */
final class PatientMatcher {
  private final SyncStore store;

  PatientMatcher(SyncStore store) {
    this.store = store;
  }

  static String sourceSystem(Source source) {
    return "urn:waitline:source:" + source.id();
  }

  Future<UUID> match(SqlConnection c, Source source, String externalId, SourcePatient p, SyncedAppointment synced,
      Instant now) {
    List<SourcePatient.Identifier> ids = identifiers(source, p);
    List<SiteIdentifier> held = ids.stream().map(id -> new SiteIdentifier(source.siteId(), id)).toList();
    return store.lockIdentifiers(c, held).compose(v -> firstKnown(c, source.siteId(), ids, 0)).compose(known -> {
      UUID id = known != null ? known : synced != null ? synced.patientId() : null;
      if (id != null) {
        return store.updatePatient(c, id, p).compose(v -> addAll(c, source.siteId(), ids, id)).map(id);
      }
      UUID created = UUID.randomUUID();
      return store.insertPatient(c, created, source.siteId(), p, now)
          .compose(v -> addAll(c, source.siteId(), ids, created))
          .compose(v -> suggest(c, source, externalId, p, created, now))
          .map(created);
    });
  }

  /** One record's patient, for {@link #matchAll}. */
  record Wanted(Source source, String externalId, SourcePatient patient, SyncedAppointment synced) {}

  /**
   * The patient of each wanted one, by index, known once the identifiers were looked up and the patients' writes
   * sent; {@code written}: those writes' answers.
   */
  record Matched(List<UUID> patients, Future<Void> written) {}

  /**
   * {@link #match} for a batch of records of any sources, in order, with a constant number of statements: a patient
   * an earlier record of the batch created or gave an identifier is found by the later ones of the same site, as if
   * they had come one after the other. Completes once the writes are sent, without waiting for their answers, so the
   * caller's next statements can go out right behind them.
   */
  Future<Matched> matchAll(SqlConnection c, List<Wanted> wanted, Instant now) {
    List<List<SiteIdentifier>> idsOf = wanted.stream().map(w -> identifiers(w.source(), w.patient()).stream()
        .map(id -> new SiteIdentifier(w.source().siteId(), id)).toList()).toList();
    List<SiteIdentifier> asked = idsOf.stream().flatMap(List::stream).distinct().toList();
    // the look-up goes out right behind the identifiers' locks, and the writes below all at once, in this order
    Future<Void> locked = store.lockIdentifiers(c, asked);
    return Pipelined.after(List.of(locked), store.patientsByIdentifiers(c, asked)).map(held -> {
      Map<SiteIdentifier, UUID> holder = new HashMap<>(held);
      // what to write, folded per patient the way consecutive inserts and updates would leave the rows
      Map<UUID, CreatedPatient> created = new LinkedHashMap<>();
      Map<UUID, SourcePatient> updated = new LinkedHashMap<>();
      List<SiteIdentifier> newIds = new ArrayList<>();
      List<UUID> newIdHolders = new ArrayList<>();
      List<UUID> matched = new ArrayList<>(wanted.size());
      for (int i = 0; i < wanted.size(); i++) {
        Wanted w = wanted.get(i);
        List<SiteIdentifier> ids = idsOf.get(i);
        UUID id = ids.stream().map(holder::get).filter(Objects::nonNull).findFirst()
            .orElse(w.synced() != null ? w.synced().patientId() : null);
        if (id == null) {
          id = UUID.randomUUID();
          created.put(id, new CreatedPatient(id, w.source().siteId(), new RecordKey(w.source().id(), w.externalId()),
              w.patient()));
        } else if (created.containsKey(id)) {
          CreatedPatient first = created.get(id);
          created.put(id, new CreatedPatient(id, first.siteId(), first.record(),
              updatedBy(first.patient(), w.patient())));
        } else {
          updated.merge(id, w.patient(), PatientMatcher::updatedBy);
        }
        for (SiteIdentifier identifier : ids) {
          if (holder.putIfAbsent(identifier, id) == null) {
            newIds.add(identifier);
            newIdHolders.add(id);
          }
        }
        matched.add(id);
      }
      List<CreatedPatient> news = List.copyOf(created.values());
      Future<Void> inserted = store.insertPatients(c, news.stream().map(CreatedPatient::id).toList(),
          news.stream().map(CreatedPatient::siteId).toList(), news.stream().map(CreatedPatient::patient).toList(),
          now);
      Future<Void> changed = store.updatePatients(c, List.copyOf(updated.keySet()), List.copyOf(updated.values()));
      Future<Void> identified = store.addIdentifiers(c, newIds, newIdHolders);
      return new Matched(matched,
          Pipelined.after(List.of(inserted, changed, identified), store.suggestMatches(c, news, now)));
    });
  }

  /** A patient's details after a later record: its name, and whatever else it gives (it never erases). */
  private static SourcePatient updatedBy(SourcePatient before, SourcePatient later) {
    return new SourcePatient(later.ref(), later.name(), or(later.birthDate(), before.birthDate()),
        later.identifiers(), or(later.phone(), before.phone()), or(later.email(), before.email()),
        or(later.language(), before.language()));
  }

  private static <T> T or(T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  private static List<SourcePatient.Identifier> identifiers(Source source, SourcePatient p) {
    List<SourcePatient.Identifier> ids = new ArrayList<>(p.identifiers());
    if (p.ref() != null) ids.add(new SourcePatient.Identifier(sourceSystem(source), p.ref()));
    return ids;
  }

  private Future<UUID> firstKnown(SqlConnection c, String siteId, List<SourcePatient.Identifier> ids, int i) {
    if (i == ids.size()) return Future.succeededFuture(null);
    SourcePatient.Identifier id = ids.get(i);
    return store.patientByIdentifier(c, siteId, id.system(), id.value())
        .compose(found -> found != null ? Future.succeededFuture(found) : firstKnown(c, siteId, ids, i + 1));
  }

  private Future<Void> addAll(SqlConnection c, String siteId, List<SourcePatient.Identifier> ids, UUID patientId) {
    Future<Void> f = Future.succeededFuture();
    for (SourcePatient.Identifier id : ids) {
      f = f.compose(v -> store.addIdentifier(c, siteId, id.system(), id.value(), patientId));
    }
    return f;
  }

  /** A new patient with the name and birth date of known ones: one review per candidate. */
  private Future<Void> suggest(SqlConnection c, Source source, String externalId, SourcePatient p, UUID created,
      Instant now) {
    if (p.birthDate() == null) return Future.succeededFuture();
    return store.patientsNamed(c, source.siteId(), p.name(), p.birthDate(), created).compose(candidates -> {
      Future<Void> f = Future.succeededFuture();
      for (UUID candidate : candidates) {
        f = f.compose(v -> store.insertReview(c, UUID.randomUUID(), source.siteId(), created, candidate,
            source.id(), externalId, now));
      }
      return f;
    });
  }
}
