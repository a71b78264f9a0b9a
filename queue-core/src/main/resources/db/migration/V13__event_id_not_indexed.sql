-- queue_event.id without its unique index. Every command's event wrote an entry into it (66 bytes of WAL per command
-- under BENCH=commands) and no statement looks an event up by its id: the log is read by queue and seq (the primary
-- key), and as an outbox by (xact, id) (queue_event_xact, which also serves EventLog's cursor at a position). The ids
-- stay unique: only the column's sequence gives them.
ALTER TABLE queue_event DROP CONSTRAINT queue_event_id_key;
