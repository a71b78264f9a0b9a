-- Indexes no statement reads (pg_stat_user_indexes idx_scan stayed 0 under BENCH=commands, and no query of queue-core
-- has their shape): every check-in and every change of status wrote them for nothing.
-- entry (queue_id, status): each read of a queue's entries by status has a partial index of its own (entry_waiting,
-- entry_at_desks, entry_live, entry_left, entry_served).
DROP INDEX entry_queue_status;
-- entry (queue_id, status_since DESC) of completed visits: the estimator's services are read through entry_served.
DROP INDEX entry_completed;
-- queue_event by the entry in its payload, of check-ins and transfers in only: queue_event_entry (V7) indexes the
-- same expression for every event, and an entry has a handful of events, so insight_shown_estimate finds its event
-- through that one.
DROP INDEX queue_event_joined_line;
