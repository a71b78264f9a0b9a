-- Intents' outcomes waiting for the Kafka relay (queue-core's OutcomeOutbox reads this table, which notifications
-- owns and alone writes): one row per outcome, written by the statement that changes the intent, only when the
-- deployment publishes to Kafka. xact orders the rows as queue_event's does, so the relay passes none over.
CREATE TABLE notify_outcome (
  id          bigserial PRIMARY KEY,
  xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  record_key  text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX notify_outcome_xact ON notify_outcome (xact, id);
