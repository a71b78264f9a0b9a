-- What every command reads for its lineup (QueueStore.lineupInputs): the waiting and expected entries of a queue's
-- day, and its latest called, in-service or no-show ones. An index for each part, so a command costs the line and
-- the desks' current patients, not every patient already called that day.
CREATE INDEX entry_waiting ON entry (queue_id, ticket_day) WHERE status IN ('waiting', 'expected');
CREATE INDEX entry_at_desks ON entry (queue_id, ticket_day, status_since)
  WHERE status IN ('called', 'in_service', 'no_show');
