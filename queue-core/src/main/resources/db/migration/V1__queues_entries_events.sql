-- Sites, queues, entries, their status history, ticket counters and the queue event log (the outbox).

CREATE TABLE site (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  time_zone     text NOT NULL,
  language      text NOT NULL DEFAULT 'en',
  display_mode  text NOT NULL DEFAULT 'ticket' CHECK (display_mode IN ('ticket', 'initials')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_queue (
  id                       text PRIMARY KEY,
  site_id                  text NOT NULL REFERENCES site(id),
  name                     text NOT NULL,
  ticket_prefix            text NOT NULL,
  grace_minutes            integer NOT NULL CHECK (grace_minutes >= 0),
  max_wait_minutes         integer NOT NULL CHECK (max_wait_minutes > 0),
  transfer_policy          text NOT NULL CHECK (transfer_policy IN ('keep_place', 'back_of_queue')),
  default_service_seconds  integer NOT NULL CHECK (default_service_seconds > 0),
  paused                   boolean NOT NULL DEFAULT false,
  staff_on_duty            integer NOT NULL DEFAULT 1 CHECK (staff_on_duty >= 0),
  -- per-queue sequence number: the seq of the last event appended for this queue
  version                  bigint NOT NULL DEFAULT 0,
  created_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_queue_site ON service_queue(site_id);

-- Ticket numbers are allocated, not counted: one row per queue per local day, bumped atomically.
CREATE TABLE ticket_counter (
  queue_id  text NOT NULL REFERENCES service_queue(id),
  day       date NOT NULL,
  last      integer NOT NULL,
  PRIMARY KEY (queue_id, day)
);

CREATE TABLE entry (
  id                uuid PRIMARY KEY,
  queue_id          text NOT NULL REFERENCES service_queue(id),
  ticket            text,          -- null while only expected (tickets are allocated at check-in)
  ticket_day        date NOT NULL,
  patient_name      text NOT NULL,
  patient_birth_date date,
  patient_mrn       text,
  patient_phone     text,
  patient_email     text,
  priority          text NOT NULL CHECK (priority IN ('urgent', 'high', 'normal')),
  appointment_at    timestamptz,
  appointment_ref   text,
  place_at          timestamptz NOT NULL,
  status            text NOT NULL,
  status_since      timestamptz NOT NULL,
  called_to         text,
  running_late      boolean NOT NULL DEFAULT false,
  transferred_from  uuid REFERENCES entry(id),
  visit_token       text NOT NULL UNIQUE,
  service_started_at timestamptz,
  service_seconds   integer,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (queue_id, ticket_day, ticket)
);
CREATE INDEX entry_queue_status ON entry(queue_id, status);
CREATE INDEX entry_queue_day ON entry(queue_id, ticket_day);
CREATE UNIQUE INDEX entry_appointment ON entry(queue_id, appointment_ref) WHERE appointment_ref IS NOT NULL;
CREATE INDEX entry_completed ON entry(queue_id, status_since DESC) WHERE status = 'completed';

-- Every status change of an entry: where it came from, where it went, who did it.
CREATE TABLE entry_transition (
  id           bigserial PRIMARY KEY,
  entry_id     uuid NOT NULL REFERENCES entry(id),
  from_status  text,
  to_status    text NOT NULL,
  from_called_to text,
  to_called_to text,
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  reason       text
);
CREATE INDEX entry_transition_entry ON entry_transition(entry_id, id DESC);

-- The queue event log, written in the same transaction as the change it describes.
CREATE TABLE queue_event (
  id        bigserial UNIQUE,
  queue_id  text NOT NULL REFERENCES service_queue(id),
  seq       bigint NOT NULL,
  type      text NOT NULL,
  payload   jsonb NOT NULL,
  at        timestamptz NOT NULL,
  PRIMARY KEY (queue_id, seq)
);
