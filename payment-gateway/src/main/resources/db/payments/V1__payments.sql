-- Payments: co-pay settings, one payment per co-pay of a visit, every processor call (with its idempotency key,
-- written before the call), refunds, processor webhooks seen, card readers. Own Flyway history
-- (flyway_history_payments); queue-core's tables are never read here: visits are referenced by entry id only.
-- Amounts are integers in minor units. No card number, CVC or track data has a column anywhere.

-- The site's currency and whether its kiosk may let patients skip the co-pay.
CREATE TABLE payment_site_setting (
  site_id          text PRIMARY KEY,
  currency         text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  kiosk_skippable  boolean NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL
);

-- The co-pay of a queue (a service): how much, and where it is collected.
CREATE TABLE payment_queue_setting (
  queue_id      text PRIMARY KEY,
  amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
  collect       text NOT NULL CHECK (collect IN ('kiosk', 'desk', 'none')),
  updated_at    timestamptz NOT NULL
);

-- An amount a source (an appointment) carries for one visit; it wins over the queue's.
CREATE TABLE payment_visit_amount (
  entry_id      uuid PRIMARY KEY,
  amount_minor  bigint NOT NULL CHECK (amount_minor >= 0),
  source        text NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- Card readers (Stripe Terminal reader ids, or the sandbox's) and where they stand.
CREATE TABLE payment_reader (
  reader_id   text PRIMARY KEY,
  site_id     text NOT NULL,
  station     text NOT NULL CHECK (station IN ('kiosk', 'desk')),
  label       text NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX payment_reader_site ON payment_reader(site_id, station);

-- One co-pay of one visit. At most one live payment per visit: two taps of "Pay" meet the unique index.
CREATE TABLE payment (
  id               uuid PRIMARY KEY,
  entry_id         uuid NOT NULL,
  site_id          text NOT NULL,
  queue_id         text NOT NULL,
  ticket           text NOT NULL,
  station          text NOT NULL CHECK (station IN ('kiosk', 'desk')),
  method           text NOT NULL CHECK (method IN ('card', 'cash')),
  processor        text NOT NULL,               -- stripe, sandbox, cash
  reader_id        text,
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         text NOT NULL,
  state            text NOT NULL CHECK (state IN ('created', 'ready', 'processing', 'authorized', 'succeeded',
                     'declined', 'canceled', 'failed', 'unknown')),
  pending_op       text,                        -- with state unknown: the call whose outcome is not known
  intent_ref       text UNIQUE,                 -- the processor's PaymentIntent id
  charge_ref       text,                        -- the processor's charge id, for reconciliation
  attempts         integer NOT NULL DEFAULT 0,  -- times the card was asked for on a reader
  captured_minor   bigint NOT NULL DEFAULT 0,
  refunded_minor   bigint NOT NULL DEFAULT 0,   -- refunds that succeeded
  reserved_minor   bigint NOT NULL DEFAULT 0,   -- refunds started, outcome not yet known
  card_brand       text,
  card_last4       text CHECK (card_last4 ~ '^[0-9]{4}$'),
  failure          text,                        -- the sentence shown for the last decline or failure
  receipt_token    text NOT NULL UNIQUE,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  CHECK (refunded_minor + reserved_minor <= captured_minor)
);
CREATE UNIQUE INDEX payment_one_live_per_visit ON payment(entry_id)
  WHERE state NOT IN ('canceled', 'failed');
CREATE INDEX payment_site_day ON payment(site_id, created_at);
CREATE INDEX payment_unresolved ON payment(updated_at) WHERE state IN ('unknown', 'processing', 'authorized');

-- Every call to a processor, written before the call with the idempotency key it carries. A row without outcome
-- after a crash is the evidence that the call may have reached the processor.
CREATE TABLE payment_call (
  id               bigserial PRIMARY KEY,
  payment_id       uuid NOT NULL REFERENCES payment(id),
  op               text NOT NULL CHECK (op IN ('create', 'process', 'capture', 'cancel', 'refund')),
  idempotency_key  text NOT NULL UNIQUE,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  outcome          text CHECK (outcome IN ('ok', 'declined', 'refused', 'unknown', 'resolved')),
  detail           text
);
CREATE INDEX payment_call_payment ON payment_call(payment_id, id);

-- A refund of (part of) a payment. Its amount is reserved on the payment in the same transaction that inserts it,
-- so refunds never exceed what was captured, also when two race.
CREATE TABLE payment_refund (
  id               uuid PRIMARY KEY,
  payment_id       uuid NOT NULL REFERENCES payment(id),
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  reason           text NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'unknown')),
  refund_ref       text UNIQUE,
  failure          text,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX payment_refund_payment ON payment_refund(payment_id);

-- Processor webhook events already applied: a second delivery of the same event id changes nothing.
CREATE TABLE payment_webhook_event (
  event_id     text PRIMARY KEY,
  type         text NOT NULL,
  object_ref   text,
  applied      boolean NOT NULL,
  received_at  timestamptz NOT NULL
);
