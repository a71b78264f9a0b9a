-- Suggested matches look for a site's patients by birth date before comparing names: a batch of an import reads
-- the patients born on its birth dates through this index, not every patient of the site.
CREATE INDEX sync_patient_birth_date ON sync_patient(site_id, birth_date);
