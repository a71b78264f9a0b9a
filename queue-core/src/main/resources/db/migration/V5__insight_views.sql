-- Read-only views queue-core publishes for the insights module (which never reads these tables directly): one row
-- per visit of a queue, and one per queue. A renamed column here must be renamed in the view, not in insights' SQL.
-- day: the visit's local day at its site (the ticket day: the arrival day, or the appointment day until arrival).
-- arrived_at: when the entry first joined this queue's waiting line (check-in, arrival, or transfer in).
-- first_called_at: its first call (recalls are counted, not used as call times).
CREATE VIEW insight_visit AS
SELECT e.id AS entry_id, q.site_id, e.queue_id, e.ticket, e.ticket_day AS day, e.priority,
       CASE WHEN e.appointment_at IS NULL THEN 'walk_in' ELSE 'appointment' END AS source,
       e.appointment_at, t.arrived_at, t.first_called_at, e.service_started_at, e.service_seconds,
       t.recalls, e.transferred_from IS NOT NULL AS transferred_in, e.status AS outcome, e.status_since,
       q.max_wait_minutes, s.time_zone
FROM entry e
JOIN service_queue q ON q.id = e.queue_id
JOIN site s ON s.id = q.site_id
CROSS JOIN LATERAL (
  SELECT min(tr.at) FILTER (WHERE tr.to_status = 'waiting') AS arrived_at,
         min(tr.at) FILTER (WHERE tr.to_status = 'called') AS first_called_at,
         count(*) FILTER (WHERE tr.reason = 'recall') AS recalls
  FROM entry_transition tr WHERE tr.entry_id = e.id) t;

CREATE VIEW insight_queue AS
SELECT q.id AS queue_id, q.site_id, q.name, q.max_wait_minutes, q.staff_on_duty, s.time_zone
FROM service_queue q JOIN site s ON s.id = q.site_id;

-- The wait each patient was shown on joining a queue: their own place's estimate in the lineup of the event that
-- put them in line (checked_in, or transferred_in), at that event's time. Places without an estimate (no staff on
-- duty) are left out; the lineup holds ids and estimates, never names.
CREATE VIEW insight_shown_estimate AS
SELECT ev.queue_id, ev.at, (ev.payload->'entry'->>'id')::uuid AS entry_id,
       (l.place->'estimate'->>'p50Minutes')::int AS p50_minutes,
       (l.place->'estimate'->>'p90Minutes')::int AS p90_minutes
FROM queue_event ev
CROSS JOIN LATERAL jsonb_array_elements(ev.payload->'lineup') AS l(place)
WHERE ev.type IN ('checked_in', 'transferred_in')
  AND coalesce(l.place->>'entryId', l.place->>'id') = ev.payload->'entry'->>'id'
  AND jsonb_typeof(l.place->'estimate') = 'object';
-- Finds the event that put an entry in line by the entry's id, so scoring a visit's shown wait reads one event, not
-- every event of its queue; only check-ins and transfers in are indexed.
CREATE INDEX queue_event_joined_line ON queue_event (((payload->'entry'->>'id')::uuid))
  WHERE type IN ('checked_in', 'transferred_in');
