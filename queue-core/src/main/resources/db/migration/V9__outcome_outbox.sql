-- The shape of every module's outcome outbox, which queue-core's OutcomeOutbox reads for the Kafka relay. This table
-- is never written: a module creates its own outbox with CREATE TABLE <name> (LIKE outcome_outbox INCLUDING ALL) (a
-- sequence, the default and the index of its own), so the shape has one home. xact orders the rows as queue_event's
-- does: a reader handed only rows of transactions older than the oldest one running passes none over.
CREATE TABLE outcome_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  record_key  text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX outcome_outbox_xact ON outcome_outbox (xact, id);
