-- The transaction that wrote each event. Ids are taken at insert, not at commit, so id order cannot tell a consumer
-- whether a missing id is still coming; a transaction id older than the oldest transaction still running can: every
-- event of such a transaction is committed (or was rolled back) and visible. Rows written before this migration get
-- this migration's transaction id.
ALTER TABLE queue_event ADD COLUMN xact xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX queue_event_xact ON queue_event (xact, id);
