-- The Kafka relay of the queue event log (KafkaOutboxRelay). One row per relay name: who holds the lease (one relay
-- per database: whoever holds an unexpired lease publishes, the shape of pms-sync's sync_lease) and how far the log
-- is published, as a log cursor (transaction, position), moved only after the broker acknowledged every event up to
-- it.
CREATE TABLE event_relay (
  name        text PRIMARY KEY,
  holder      text,
  expires_at  timestamptz,
  last_xact   bigint,
  last_event  bigint,
  updated_at  timestamptz
);
