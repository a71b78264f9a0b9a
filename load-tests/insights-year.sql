-- A year of a busy clinic, written straight into a Waitline database the way queue-core's commands leave it, for
-- the insights benchmark (load-tests/run.sh, BENCH=insights). psql variables: visits (walk-ins and appointments
-- that arrived; transfers add a visit each), site. One site in Europe/London (two daylight-saving changes a year),
-- four queues, the 365 local days up to yesterday, open 08:00–18:00. Per visit: its entry (with a patient's name,
-- MRN, phone and e-mail), its status transitions, and the checked_in / transferred_in event holding the lineup with
-- the estimate shown — everything queue-core's insight views read. The other events of a visit (called, started,
-- completed…) are not written: no view reads them.
\set ON_ERROR_STOP on
SELECT setseed(0.14);
BEGIN;
INSERT INTO site (id, name, time_zone) VALUES (:'site', 'A year of a busy clinic', 'Europe/London');
INSERT INTO service_queue (id, site_id, name, ticket_prefix, grace_minutes, max_wait_minutes, transfer_policy,
    default_service_seconds, staff_on_duty)
SELECT :'site' || '-' || q, :'site', 'Year queue ' || q, chr(64 + q), 10, 30, 'keep_place', 600, 2
FROM generate_series(1, 4) q;

-- Each arrival: its day, queue, time, and what happened (outcome, wait, service), drawn at random.
CREATE TEMP TABLE arrival AS
WITH params AS (SELECT ceil(:visits / 365.0)::int AS per_day),
drawn AS (
  SELECT n, (current_date - 365 + n / p.per_day)::date AS day, 1 + (n % p.per_day) % 4 AS q,
         (n % p.per_day)::float8 / p.per_day AS share_of_day, random() AS r_outcome, random() AS r_wait,
         random() AS r_service, random() AS r_kind, random() AS r_recall, random() AS r_estimate,
         random() AS r_jitter
  FROM params p, generate_series(0, :visits - 1) n)
SELECT gen_random_uuid() AS id, n, day, :'site' || '-' || q AS queue_id, q,
       -- 08:00 to 18:00 local, converted with the site's zone (so a spring-forward day is an hour shorter)
       ((day + time '08:00' + make_interval(secs => share_of_day * 36000 + r_jitter * 60))
         AT TIME ZONE 'Europe/London') AS arrived_at,
       CASE WHEN r_kind < 0.03 THEN 'urgent' WHEN r_kind < 0.15 THEN 'high' ELSE 'normal' END AS priority,
       r_kind >= 0.60 AS has_appointment,
       CASE WHEN r_outcome < 0.04 THEN 'no_show' WHEN r_outcome < 0.09 THEN 'left'
            WHEN r_outcome < 0.12 THEN 'transferred' ELSE 'completed' END AS outcome,
       make_interval(secs => round(-ln(1 - r_wait * 0.999) * 900)) AS wait,
       (240 + round(r_service * 900))::int AS service_seconds,
       r_recall < 0.05 AS recalled, r_estimate, r_jitter
FROM drawn;

-- Transferred patients wait again in the next queue, from the end of their first service.
CREATE TEMP TABLE visit AS
SELECT id, day, queue_id, priority, has_appointment, arrived_at, outcome, wait, service_seconds, recalled,
       r_estimate, r_jitter, NULL::uuid AS transferred_from, n
FROM arrival
UNION ALL
SELECT gen_random_uuid(), day, :'site' || '-' || (1 + q % 4), priority, false,
       arrived_at + wait + interval '1 minute' + make_interval(secs => service_seconds), 'completed',
       make_interval(secs => round(r_jitter * 1200)), 300 + round(r_service_again * 600)::int, false,
       r_estimate, r_jitter, id, n
FROM (SELECT *, random() AS r_service_again FROM arrival WHERE outcome = 'transferred') t;

-- Derived times: first call, service start, and when the visit ended (what status_since holds).
CREATE TEMP TABLE timed AS
SELECT v.*,
       row_number() OVER (PARTITION BY queue_id, day ORDER BY arrived_at, id) AS ticket_no,
       CASE WHEN outcome = 'left' THEN NULL ELSE arrived_at + wait END AS called_at,
       CASE WHEN outcome IN ('completed', 'transferred')
            THEN arrived_at + wait + CASE WHEN recalled THEN interval '3 minutes' ELSE interval '1 minute' END
       END AS started_at
FROM visit v;

INSERT INTO entry (id, queue_id, ticket, ticket_day, patient_name, patient_birth_date, patient_mrn, patient_phone,
    patient_email, priority, appointment_at, appointment_ref, place_at, status, status_since, called_to,
    transferred_from, visit_token, service_started_at, service_seconds, created_at)
SELECT id, queue_id, chr(64 + right(queue_id, 1)::int) || lpad(ticket_no::text, 3, '0'), day,
       'Patient ' || n || CASE WHEN transferred_from IS NULL THEN '' ELSE ' (transferred)' END,
       date '1950-01-01' + (n % 25000), 'MRN-' || n, '+4477009' || lpad(n::text, 5, '0'), 'patient' || n || '@example.org',
       priority,
       CASE WHEN has_appointment THEN date_trunc('minute', arrived_at + make_interval(mins => round(r_jitter * 30 - 20)::int)) END,
       CASE WHEN has_appointment THEN 'appt-' || n END,
       arrived_at, outcome,
       CASE outcome WHEN 'left' THEN arrived_at + wait WHEN 'no_show' THEN called_at + interval '5 minutes'
                    ELSE started_at + make_interval(secs => service_seconds) END,
       CASE WHEN outcome = 'left' THEN NULL ELSE 'room ' || (1 + n % 3) END,
       transferred_from, replace(gen_random_uuid()::text, '-', ''), started_at,
       CASE WHEN started_at IS NULL THEN NULL ELSE service_seconds END, arrived_at
FROM timed
ORDER BY transferred_from NULLS FIRST;

INSERT INTO ticket_counter (queue_id, day, last)
SELECT queue_id, day, max(ticket_no) FROM timed GROUP BY 1, 2;

-- The status history, in the order the commands write it.
INSERT INTO entry_transition (entry_id, from_status, to_status, from_called_to, to_called_to, at, actor, reason)
SELECT t.id, s.from_status, s.to_status, NULL, NULL, s.at, 'desk', s.reason
FROM timed t
CROSS JOIN LATERAL (VALUES
  (1, NULL, 'waiting', t.arrived_at, CASE WHEN t.transferred_from IS NULL THEN NULL ELSE 'transfer' END),
  (2, 'waiting', CASE WHEN t.outcome = 'left' THEN 'left' ELSE 'called' END, t.arrived_at + t.wait, NULL),
  (3, CASE WHEN t.recalled THEN 'called' END, 'called', t.arrived_at + t.wait + interval '2 minutes', 'recall'),
  (4, 'called', CASE WHEN t.outcome = 'no_show' THEN 'no_show' ELSE 'in_service' END,
      coalesce(t.started_at, t.called_at + interval '5 minutes'), NULL),
  (5, 'in_service', t.outcome, t.started_at + make_interval(secs => t.service_seconds), NULL)
) AS s(step, from_status, to_status, at, reason)
WHERE s.step <= 2
   OR (s.step = 3 AND t.recalled AND t.outcome <> 'left')
   OR (s.step = 4 AND t.outcome IN ('completed', 'transferred', 'no_show'))
   OR (s.step = 5 AND t.outcome IN ('completed', 'transferred'))
ORDER BY t.arrived_at, t.id, s.step;

-- The event that put each visit in line, with the line as it then stood: a few patients ahead (ids only), then the
-- visit's own place and the estimate it was shown (its real wait give or take, so honesty is neither perfect nor nil).
INSERT INTO queue_event (queue_id, seq, type, payload, at)
SELECT t.queue_id, row_number() OVER (PARTITION BY t.queue_id ORDER BY t.arrived_at, t.id),
       CASE WHEN t.transferred_from IS NULL THEN 'checked_in' ELSE 'transferred_in' END,
       jsonb_build_object('version', 1,
         'entry', jsonb_build_object('id', t.id, 'queueId', t.queue_id, 'ticket', e.ticket,
           'patient', jsonb_build_object('name', e.patient_name, 'birthDate', e.patient_birth_date,
             'mrn', e.patient_mrn, 'phone', e.patient_phone, 'email', e.patient_email),
           'priority', t.priority, 'appointmentAt', e.appointment_at, 'appointmentRef', e.appointment_ref,
           'placeAt', t.arrived_at, 'status', 'waiting', 'statusSince', t.arrived_at, 'calledTo', NULL,
           'runningLate', false, 'transferredFrom', t.transferred_from),
         'lineup', ahead.places || jsonb_build_array(jsonb_build_object('entryId', t.id, 'ticket', e.ticket,
           'position', ahead.n + 1, 'estimate', jsonb_build_object('p50Minutes', est.p50, 'p90Minutes', est.p90,
             'basedOnHistory', true)))),
       t.arrived_at
FROM timed t
JOIN entry e ON e.id = t.id
CROSS JOIN LATERAL (SELECT greatest(0, round(extract(epoch FROM t.wait) / 60 * (0.6 + t.r_estimate * 0.8)))::int
    AS p50) p
CROSS JOIN LATERAL (SELECT p.p50, p.p50 + 5 + p.p50 / 2 AS p90) est
CROSS JOIN LATERAL (SELECT count(*)::int AS n,
    coalesce(jsonb_agg(jsonb_build_object('entryId', gen_random_uuid(), 'ticket', 'X' || k, 'position', k,
      'estimate', jsonb_build_object('p50Minutes', k * 4, 'p90Minutes', k * 7, 'basedOnHistory', true))
      ORDER BY k), '[]'::jsonb) AS places
    FROM generate_series(1, (t.r_jitter * 8)::int) k) ahead;

UPDATE service_queue q SET version = s.last FROM (SELECT queue_id, max(seq) AS last FROM queue_event GROUP BY 1) s
WHERE s.queue_id = q.id;
COMMIT;
ANALYZE entry;
ANALYZE entry_transition;
ANALYZE queue_event;
SELECT count(*) AS visits, min(ticket_day) AS first_day, max(ticket_day) AS last_day FROM entry e
JOIN service_queue q ON q.id = e.queue_id WHERE q.site_id = :'site';
