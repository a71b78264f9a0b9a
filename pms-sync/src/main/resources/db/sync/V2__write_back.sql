-- Write-back: a FHIR source that asks for it is told when its patients arrive, are seen or do not come.

ALTER TABLE sync_source ADD COLUMN write_back boolean NOT NULL DEFAULT false;

-- Where the write-back reader stands in the queue event log (one row, locked by the reading node).
CREATE TABLE sync_write_back_checkpoint (
  id          integer PRIMARY KEY CHECK (id = 1),
  last_xact   bigint NOT NULL,
  last_event  bigint NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- One status to write to one appointment of a source: the key makes it durable and idempotent.
CREATE TABLE sync_write_back (
  id              bigserial PRIMARY KEY,
  source_id       uuid NOT NULL REFERENCES sync_source(id) ON DELETE CASCADE,
  appointment_id  text NOT NULL,     -- the source's id, e.g. Appointment/123
  status          text NOT NULL CHECK (status IN ('arrived', 'fulfilled', 'noshow')),
  state           text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  detail          text,              -- what happened, as a sentence: the last failure while pending
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  UNIQUE (source_id, appointment_id, status)
);
CREATE INDEX sync_write_back_due ON sync_write_back (next_attempt_at) WHERE state = 'pending';
CREATE INDEX sync_write_back_source ON sync_write_back (source_id, state);
