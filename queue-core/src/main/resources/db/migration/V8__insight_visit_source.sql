-- Where a visit came from, finer (insights' source filter and breakdown): 'kiosk' when the patient joined the line
-- at a kiosk (the transition that put it in line was made by a device: kiosks are the devices that check patients
-- in), else 'walk_in' without an appointment, 'source:' and the integration's name for an appointment a pms-sync
-- source booked (the entry's first transition was made by it), 'appointment' for one booked in Waitline itself.
-- Only the source column changes.
CREATE OR REPLACE VIEW insight_visit AS
SELECT e.id AS entry_id, q.site_id, e.queue_id, e.ticket, e.ticket_day AS day, e.priority,
       CASE WHEN t.joined_by LIKE 'device:%' THEN 'kiosk'
            WHEN e.appointment_at IS NULL THEN 'walk_in'
            WHEN t.booked_by LIKE 'source:_%' THEN t.booked_by
            ELSE 'appointment' END AS source,
       e.appointment_at, t.arrived_at, t.first_called_at, e.service_started_at, e.service_seconds,
       t.recalls, e.transferred_from IS NOT NULL AS transferred_in, e.status AS outcome, e.status_since,
       q.max_wait_minutes, s.time_zone
FROM entry e
JOIN service_queue q ON q.id = e.queue_id
JOIN site s ON s.id = q.site_id
CROSS JOIN LATERAL (
  SELECT min(tr.at) FILTER (WHERE tr.to_status = 'waiting') AS arrived_at,
         min(tr.at) FILTER (WHERE tr.to_status = 'called') AS first_called_at,
         count(*) FILTER (WHERE tr.reason = 'recall') AS recalls,
         (array_agg(tr.actor ORDER BY tr.id) FILTER (WHERE tr.to_status = 'waiting'))[1] AS joined_by,
         (array_agg(tr.actor ORDER BY tr.id))[1] AS booked_by
  FROM entry_transition tr WHERE tr.entry_id = e.id) t;
