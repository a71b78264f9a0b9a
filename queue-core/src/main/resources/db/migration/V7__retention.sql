-- Retention (VisitRetention): a visit's patient details are removed once its day is older than the retention
-- setting; details_removed_at says when, so a run resumes where the last one stopped and never redoes a visit.
ALTER TABLE entry ADD COLUMN details_removed_at timestamptz;
-- The visits whose details are still kept, by day: what each retention batch looks for (removed ones leave it).
CREATE INDEX entry_details_kept ON entry (ticket_day) WHERE details_removed_at IS NULL;
-- Every event of an entry, found by the entry's id in its payload: a batch rewrites the events of its visits only.
CREATE INDEX queue_event_entry ON queue_event (((payload->'entry'->>'id')::uuid));
