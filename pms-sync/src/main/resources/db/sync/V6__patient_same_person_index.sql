-- Suggested matches and patientsNamed look a patient up by site, birth date and name as compared (trimmed, spaces
-- collapsed, lower case): one index probe per new patient. Reading every patient born on a batch's birth dates and
-- normalising each name made a batch's cost grow with the site's patients (over a second per batch of 500 at
-- 100,000 patients). This index starts with the columns of the one it replaces.
CREATE INDEX sync_patient_same_person ON sync_patient (site_id, birth_date,
  lower(regexp_replace(trim(name), '\s+', ' ', 'g')));
DROP INDEX sync_patient_birth_date;
