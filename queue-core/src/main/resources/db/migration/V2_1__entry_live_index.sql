-- The live entries of a queue's day (QueueStore.activeEntries, read by every command for its lineup): an index of
-- those rows only, so reading them costs the live line, not every visit of the day.
CREATE INDEX entry_live ON entry (queue_id, ticket_day)
  WHERE status IN ('expected', 'waiting', 'called', 'in_service', 'no_show');
