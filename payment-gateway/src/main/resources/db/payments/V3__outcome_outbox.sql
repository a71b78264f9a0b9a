-- Payments' and refunds' outcomes waiting for the Kafka relay: one row per outcome, written by the statement that
-- changes the payment or refund, only when the deployment publishes to Kafka. Payments owns and alone writes it;
-- queue-core's OutcomeOutbox reads it, in the shape of queue-core's outcome_outbox.
CREATE TABLE payment_outcome (LIKE outcome_outbox INCLUDING ALL);
