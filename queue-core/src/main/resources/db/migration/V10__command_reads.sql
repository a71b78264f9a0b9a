-- The patients who left a queue's line (QueueStore.recentServices, read by the wait estimator): an index of those rows
-- only, so that reading the last day's departures costs them, not every entry of the day (entry_recent walked all).
CREATE INDEX entry_left ON entry (queue_id, status_since) WHERE status = 'left';
-- (queue_id, ticket_day) is the start of the unique key (queue_id, ticket_day, ticket), which serves the same reads;
-- one index fewer to write on every check-in and every change of status.
DROP INDEX entry_queue_day;
