-- A status look-up leaves out the messages already recorded for other intents to the same address (identical texts
-- must not be taken for each other): those are found by address and time.
CREATE INDEX notify_attempt_recipient ON notify_attempt(recipient, started_at) WHERE provider_ref IS NOT NULL;
