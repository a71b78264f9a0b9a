-- Payments' and refunds' outcomes waiting for the Kafka relay (queue-core's OutcomeOutbox reads this table, which
-- payments owns and alone writes): one row per outcome, written by the statement that changes the payment or refund,
-- only when the deployment publishes to Kafka. xact orders the rows as queue_event's does.
CREATE TABLE payment_outcome (
  id          bigserial PRIMARY KEY,
  xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  record_key  text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX payment_outcome_xact ON payment_outcome (xact, id);
