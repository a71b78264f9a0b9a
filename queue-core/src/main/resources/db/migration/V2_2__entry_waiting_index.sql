-- The waiting entries of a queue's day (QueueStore.waitingEntries): every command reads them for its lineup, so
-- a command costs the waiting line, not the patients already called, in service or expected later in the day.
CREATE INDEX entry_waiting ON entry (queue_id, ticket_day) WHERE status = 'waiting';
