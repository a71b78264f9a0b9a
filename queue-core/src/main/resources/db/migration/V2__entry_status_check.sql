-- The status column holds only the states of the status machine (io.waitline.queue.Status).
ALTER TABLE entry ADD CONSTRAINT entry_status_known CHECK (status IN
  ('expected', 'waiting', 'called', 'in_service', 'completed', 'no_show', 'cancelled', 'left', 'transferred'));
