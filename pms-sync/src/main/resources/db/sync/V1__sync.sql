-- pms-sync: appointment sources, the inbox, patients matched across sources, dead letters, match reviews, leases.
-- Only pms-sync reads these tables; queue entries are changed through queue-core's commands.

CREATE TABLE sync_source (
  id           uuid PRIMARY KEY,
  site_id      text NOT NULL,
  kind         text NOT NULL,
  name         text NOT NULL,
  base_url     text NOT NULL,
  auth         jsonb NOT NULL,          -- the auth settings without secrets
  secrets      text,                    -- AES-GCM sealed JSON of the secrets; the key is not in the database
  mapping      jsonb NOT NULL,
  schedule     jsonb NOT NULL,
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX sync_source_site ON sync_source(site_id);

-- Where each source stands: the watermark and what happened last.
CREATE TABLE sync_state (
  source_id        uuid PRIMARY KEY REFERENCES sync_source(id) ON DELETE CASCADE,
  watermark        timestamptz,
  last_attempt_at  timestamptz,
  last_success_at  timestamptz,
  last_error       text,
  last_error_at    timestamptz,
  last_reconcile_at timestamptz,
  last_event_number bigint        -- the last FHIR subscription event number seen (R4 Subscriptions Backport)
);

-- Every record version received: the durable inbox, written in the transaction of its effect.
CREATE TABLE sync_inbox (
  source_id     uuid NOT NULL REFERENCES sync_source(id) ON DELETE CASCADE,
  external_id   text NOT NULL,
  version       text NOT NULL,
  payload_hash  text NOT NULL,
  received_at   timestamptz NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'stale', 'conflict', 'dead')),
  detail        text,
  PRIMARY KEY (source_id, external_id, version)
);
CREATE INDEX sync_inbox_outcome ON sync_inbox(source_id, outcome);

-- Matched patients of a site, shared by every source of that site.
CREATE TABLE sync_patient (
  id          uuid PRIMARY KEY,
  site_id     text NOT NULL,
  name        text NOT NULL,
  birth_date  date,
  phone       text,
  email       text,
  language    text,
  created_at  timestamptz NOT NULL
);
CREATE INDEX sync_patient_name ON sync_patient(site_id, lower(name), birth_date);

CREATE TABLE sync_patient_identifier (
  site_id     text NOT NULL,
  system      text NOT NULL,
  value       text NOT NULL,
  patient_id  uuid NOT NULL REFERENCES sync_patient(id),
  PRIMARY KEY (site_id, system, value)
);

-- The latest applied version of each source appointment and the queue entry it became.
CREATE TABLE sync_appointment (
  source_id      uuid NOT NULL REFERENCES sync_source(id) ON DELETE CASCADE,
  external_id    text NOT NULL,
  version        text NOT NULL,
  version_order  bigint NOT NULL,
  start_at       timestamptz,
  entry_id       uuid,
  patient_id     uuid REFERENCES sync_patient(id),
  deleted        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (source_id, external_id)
);

-- Suggested matches (same name and birth date, no shared identifier) that staff confirm or reject.
CREATE TABLE sync_match_review (
  id            uuid PRIMARY KEY,
  site_id       text NOT NULL,
  patient_id    uuid NOT NULL REFERENCES sync_patient(id),
  candidate_id  uuid NOT NULL REFERENCES sync_patient(id),
  source_id     uuid REFERENCES sync_source(id) ON DELETE SET NULL,
  external_id   text,
  status        text NOT NULL CHECK (status IN ('open', 'confirmed', 'rejected')),
  created_at    timestamptz NOT NULL,
  resolved_at   timestamptz,
  resolved_by   text,
  UNIQUE (patient_id, candidate_id)
);
CREATE INDEX sync_match_review_open ON sync_match_review(site_id) WHERE status = 'open';

-- Records that could not be applied, with the reason as a sentence; replayable after the mapping is fixed.
CREATE TABLE sync_dead_letter (
  id           uuid PRIMARY KEY,
  source_id    uuid NOT NULL REFERENCES sync_source(id) ON DELETE CASCADE,
  external_id  text NOT NULL,
  version      text NOT NULL,
  version_order bigint NOT NULL,
  payload      text NOT NULL,
  reason       text NOT NULL,
  created_at   timestamptz NOT NULL,
  replayed_at  timestamptz
);
CREATE INDEX sync_dead_letter_source ON sync_dead_letter(source_id, created_at DESC) WHERE replayed_at IS NULL;

-- One poller per source across nodes: whoever holds an unexpired lease polls.
CREATE TABLE sync_lease (
  source_id   uuid PRIMARY KEY REFERENCES sync_source(id) ON DELETE CASCADE,
  holder      text NOT NULL,
  expires_at  timestamptz NOT NULL
);
