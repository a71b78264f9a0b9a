-- Records' results waiting for the Kafka relay: one row per inbox row written, by the same statement, only when the
-- deployment publishes to Kafka. pms-sync owns and alone writes it; queue-core's OutcomeOutbox reads it, in the shape
-- of queue-core's outcome_outbox.
CREATE TABLE sync_result (LIKE outcome_outbox INCLUDING ALL);
