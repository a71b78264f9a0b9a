-- A record version applied (or dead again) closes its appointment's earlier open dead letters: found per record.
CREATE INDEX sync_dead_letter_record ON sync_dead_letter (source_id, external_id) WHERE replayed_at IS NULL;
