package io.waitline.sync.pipeline;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.waitline.sync.source.Source;
import io.waitline.sync.store.SyncStore;
import io.waitline.sync.store.SyncStore.SyncedAppointment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    List<SourcePatient.Identifier> ids = new ArrayList<>(p.identifiers());
    if (p.ref() != null) ids.add(new SourcePatient.Identifier(sourceSystem(source), p.ref()));
    return firstKnown(c, source.siteId(), ids, 0).compose(known -> {
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
