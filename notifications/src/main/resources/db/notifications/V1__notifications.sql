-- Notifications: durable intents read from the queue event log, their delivery attempts, patient preferences and
-- delivery addresses. Own Flyway history (flyway_history_notifications); queue-core's tables are only read.

-- How far the queue event log (queue_event.id) has been turned into intents; advanced in the same transaction
-- that inserts them.
CREATE TABLE notify_checkpoint (
  name           text PRIMARY KEY,
  last_event_id  bigint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One message that must reach one person exactly once, through some channel.
CREATE TABLE notify_intent (
  id               uuid PRIMARY KEY,
  dedupe_key       text NOT NULL UNIQUE,        -- event × patient × kind (or visit × threshold for position alerts)
  kind             text NOT NULL,
  audience         text NOT NULL CHECK (audience IN ('patient', 'staff')),
  event_id         bigint,                      -- the queue_event that caused it; null for timer-driven alerts
  entry_id         uuid NOT NULL,
  site_id          text NOT NULL,
  queue_id         text NOT NULL,
  ticket           text,
  urgent           boolean NOT NULL,
  params           jsonb NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'held', 'sending', 'unknown', 'sent', 'delivered',
                     'failed', 'cancelled', 'skipped')),
  channel          text,                        -- the channel it went out on (or is being tried on)
  provider_ref     text,                        -- e.g. the Twilio message SID
  excluded         text[] NOT NULL DEFAULT '{}', -- channels ruled out for this intent (rejected, undelivered)
  rounds           integer NOT NULL DEFAULT 0,  -- fallback rounds in which every channel failed
  claims           integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,                 -- null: not due (finished, or waits for staff)
  lease_owner      text,
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  sent_at          timestamptz,
  delivered_at     timestamptz
);
CREATE INDEX notify_intent_due ON notify_intent(next_attempt_at)
  WHERE state IN ('pending', 'held', 'failed', 'unknown');
CREATE INDEX notify_intent_lease ON notify_intent(lease_until) WHERE state = 'sending';
CREATE INDEX notify_intent_site ON notify_intent(site_id, state, created_at DESC);
CREATE INDEX notify_intent_provider_ref ON notify_intent(provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX notify_intent_entry ON notify_intent(entry_id);

-- Every try on a channel, written before the provider is called: an attempt without outcome after a crash is the
-- evidence that the message may have left.
CREATE TABLE notify_attempt (
  id            bigserial PRIMARY KEY,
  intent_id     uuid NOT NULL REFERENCES notify_intent(id),
  channel       text NOT NULL,
  worker        text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  outcome       text CHECK (outcome IN ('sent', 'rejected', 'failed', 'unknown', 'not_sent', 'skipped')),
  provider_ref  text,
  recipient     text,                           -- the address used (phone, e-mail), for status look-ups
  fingerprint   text,                           -- SHA-256 of recipient and body, to recognise the message later
  detail        text
);
CREATE INDEX notify_attempt_intent ON notify_attempt(intent_id, id DESC);

-- What a patient chose for their visit (keyed by the visit link token, which follows them across transfers).
CREATE TABLE notify_preference (
  visit_token  text PRIMARY KEY,
  channels     text[],                          -- in order of preference; null: the defaults per kind
  language     text,                            -- null: the site's language
  opted_out    boolean NOT NULL DEFAULT false,
  updated_at   timestamptz NOT NULL
);

-- Numbers that answered STOP (Twilio's opt-out keywords); honoured for every visit until START.
CREATE TABLE notify_sms_optout (
  phone         text PRIMARY KEY,
  opted_out_at  timestamptz NOT NULL
);

-- Mobile app registration tokens (Firebase Cloud Messaging).
CREATE TABLE notify_push_token (
  token        text PRIMARY KEY,
  visit_token  text NOT NULL,
  platform     text,
  created_at   timestamptz NOT NULL
);
CREATE INDEX notify_push_token_visit ON notify_push_token(visit_token);

-- Browser Web Push subscriptions (the PushSubscription a patient page hands over).
CREATE TABLE notify_web_push (
  endpoint     text PRIMARY KEY,
  visit_token  text NOT NULL,
  p256dh       text NOT NULL,
  auth         text NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX notify_web_push_visit ON notify_web_push(visit_token);

-- Per queue: "tell me when I'm N-th" thresholds, the long-wait staff alert and the delay alert step.
CREATE TABLE notify_queue_settings (
  queue_id           text PRIMARY KEY,
  position_alerts    integer[] NOT NULL,
  long_wait_minutes  integer CHECK (long_wait_minutes > 0),
  delay_minutes      integer CHECK (delay_minutes > 0),
  updated_at         timestamptz NOT NULL
);

-- Per site: quiet hours (site time zone) and where staff alerts go.
CREATE TABLE notify_site_settings (
  site_id      text PRIMARY KEY,
  quiet_start  time,
  quiet_end    time,
  staff_email  text,
  staff_phone  text,
  updated_at   timestamptz NOT NULL
);

-- The estimate a waiting patient was last told (or first saw), to tell them when it grows.
CREATE TABLE notify_watch (
  entry_id      uuid PRIMARY KEY,
  baseline_p50  integer NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- Delivery reports from providers (Twilio status callbacks), kept even when they arrive before the worker has
-- recorded the send, so they are applied either way.
CREATE TABLE notify_provider_status (
  provider_ref  text PRIMARY KEY,
  intent_id     uuid,
  status        text NOT NULL,
  error_code    text,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX notify_provider_status_intent ON notify_provider_status(intent_id);
