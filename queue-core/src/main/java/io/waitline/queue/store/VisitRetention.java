package io.waitline.queue.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.waitline.queue.retention.RetentionBatches;
import io.waitline.queue.retention.RetentionBatches.Window;
import io.waitline.queue.sql.Rows;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * queue-core's part of retention: the visits of days before the retention's first kept day at their site lose their
 * patient details — name (emptied), birth date, MRN, phone, e-mail, appointment reference, patient link (a dead
 * token) — in the entry and in every event that carries the entry. Everything the insights views read stays:
 * times, queue, ticket, priority, source, outcome, transitions, and the lineups' ids and estimates.
 */
public final class VisitRetention {
  private VisitRetention() {}

  /** One {@link RetentionBatches.Batch}: removes the details of at most a window's size of visits. */
  public static Future<Integer> batch(SqlConnection c, Window w) {
    // no site's today is past UTC's tomorrow: a bound the index can use before each site's own day is applied
    LocalDate bound = w.retention().firstKeptDay(w.now().atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1));
    return c.preparedQuery("UPDATE entry SET patient_name = '', patient_birth_date = NULL, patient_mrn = NULL,"
            + " patient_phone = NULL, patient_email = NULL, appointment_ref = NULL,"
            + " visit_token = 'removed-' || gen_random_uuid(), details_removed_at = $1"
            + " WHERE id IN (SELECT e.id FROM entry e JOIN service_queue q ON q.id = e.queue_id"
            + " JOIN site s ON s.id = q.site_id"
            + " WHERE e.details_removed_at IS NULL AND e.ticket_day < $2"
            + " AND e.ticket_day < ($1 AT TIME ZONE s.time_zone)::date - $3::int"
            + " ORDER BY e.ticket_day LIMIT $4 FOR UPDATE OF e SKIP LOCKED) RETURNING id")
        .execute(Tuple.of(Rows.odt(w.now()), bound, w.retention().days(), w.size()))
        // the same patient, emptied, in every event of those visits
        .compose(changed -> RetentionBatches.thenEach(c, changed, "UPDATE queue_event SET payload = jsonb_set("
            + "jsonb_set(payload #- '{entry,initials}', '{entry,patient}', '{\"name\": \"\", \"birthDate\": null,"
            + " \"mrn\": null, \"phone\": null, \"email\": null}'::jsonb), '{entry,appointmentRef}', 'null'::jsonb)"
            + " WHERE ((payload->'entry'->>'id')::uuid) = ANY($1)"));
  }
}
