-- Records' results waiting for the Kafka relay (queue-core's OutcomeOutbox reads this table, which pms-sync owns and
-- alone writes): one row per inbox row written, by the same statement, only when the deployment publishes to Kafka.
-- xact orders the rows as queue_event's does.
CREATE TABLE sync_result (
  id          bigserial PRIMARY KEY,
  xact        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  record_key  text NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX sync_result_xact ON sync_result (xact, id);
