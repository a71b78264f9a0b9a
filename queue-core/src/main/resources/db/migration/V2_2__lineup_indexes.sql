-- What every command reads for its lineup (QueueStore.lineupInputs): the waiting and expected entries of a queue's
-- day, and its latest called, in-service or no-show ones. An index for each part, so a command costs the line and
-- the desks' current patients, not every patient already called that day.
CREATE INDEX entry_waiting ON entry (queue_id, ticket_day) WHERE status IN ('waiting', 'expected');
CREATE INDEX entry_at_desks ON entry (queue_id, ticket_day, status_since)
  WHERE status IN ('called', 'in_service', 'no_show');
-- The estimator's recent history (QueueStore.recentServices): a queue's entries by when they last changed, so
-- its look at recent calls and departures reads those, not the queue's whole past.
CREATE INDEX entry_recent ON entry (queue_id, status_since);
-- Its recent services, newest first, without walking past the patients still called or waiting.
CREATE INDEX entry_served ON entry (queue_id, status_since)
  WHERE status IN ('completed', 'transferred') AND service_seconds IS NOT NULL;
