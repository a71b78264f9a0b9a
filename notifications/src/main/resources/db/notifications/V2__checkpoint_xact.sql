-- The checkpoint becomes a cursor of the event log: the writing transaction of the last event read, then its id
-- (io.waitline.queue.event.LogCursor). Null until the reader first converts a checkpoint kept as an id alone.
ALTER TABLE notify_checkpoint ADD COLUMN last_xact bigint;
