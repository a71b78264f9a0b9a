package io.waitline.queue.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.Retention;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.sql.Rows;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * queue-core's part of retention: the visits of days before the retention's first kept day at their site lose their
 * patient details — name (emptied), birth date, MRN, phone, e-mail, appointment reference, patient link (a dead
 * token) — in the entry and in every event that carries the entry. Everything the insights views read stays:
 * times, queue, ticket, priority, source, outcome, transitions, and the lineups' ids and estimates.
 */
public final class VisitRetention {
  /** What an event's patient becomes: no name, nothing else. */
  private static final JsonObject NO_PATIENT = new JsonObject().put("name", "").putNull("birthDate").putNull("mrn")
      .putNull("phone").putNull("email");

  private final RetentionBatches batches;
  private final Retention retention;

  public VisitRetention(Pool pool, Retention retention, int batchSize) {
    this.batches = new RetentionBatches(pool, "queue-core", batchSize);
    this.retention = retention;
  }

  /** Removes the details of every visit past retention at {@code now}; yields how many visits lost them. */
  public Future<Integer> removeDetails(Instant now) {
    return batches.run(c -> batch(c, now));
  }

  private Future<Integer> batch(SqlConnection c, Instant now) {
    // no site's today is past UTC's tomorrow: a bound the index can use before each site's own day is applied
    LocalDate bound = retention.firstKeptDay(now.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1));
    return c.preparedQuery("UPDATE entry SET patient_name = '', patient_birth_date = NULL, patient_mrn = NULL,"
            + " patient_phone = NULL, patient_email = NULL, appointment_ref = NULL,"
            + " visit_token = 'removed-' || gen_random_uuid(), details_removed_at = $1"
            + " WHERE id IN (SELECT e.id FROM entry e JOIN service_queue q ON q.id = e.queue_id"
            + " JOIN site s ON s.id = q.site_id"
            + " WHERE e.details_removed_at IS NULL AND e.ticket_day < $2"
            + " AND e.ticket_day < ($1 AT TIME ZONE s.time_zone)::date - $3::int"
            + " ORDER BY e.ticket_day LIMIT $4 FOR UPDATE OF e SKIP LOCKED) RETURNING id")
        .execute(Tuple.of(Rows.odt(now), bound, retention.days(), batches.size()))
        .compose(rows -> {
          UUID[] ids = Rows.map(rows, r -> r.getUUID("id")).toArray(UUID[]::new);
          if (ids.length == 0) return Future.succeededFuture(0);
          return c.preparedQuery("UPDATE queue_event SET payload = jsonb_set(jsonb_set(payload #- '{entry,initials}',"
                  + " '{entry,patient}', $2::jsonb), '{entry,appointmentRef}', 'null'::jsonb)"
                  + " WHERE ((payload->'entry'->>'id')::uuid) = ANY($1)")
              .execute(Tuple.of(ids, NO_PATIENT))
              .map(v -> ids.length);
        });
  }
}
