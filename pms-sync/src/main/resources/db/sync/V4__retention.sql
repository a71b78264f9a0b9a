-- Retention (SyncRetention): what each batch looks for among the records past retention.
CREATE INDEX sync_inbox_detail_kept ON sync_inbox (received_at) WHERE detail IS NOT NULL;
CREATE INDEX sync_dead_letter_created ON sync_dead_letter (created_at);
CREATE INDEX sync_patient_created ON sync_patient (created_at);
CREATE INDEX sync_appointment_patient ON sync_appointment (patient_id);
