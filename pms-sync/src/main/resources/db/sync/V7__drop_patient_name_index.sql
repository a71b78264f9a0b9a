-- No statement looks a patient up by lower(name) alone: suggested matches and patientsNamed use
-- sync_patient_same_person (site, birth date, name as compared). The older index only cost every new patient an
-- insert, and the planner could take it for the suggested-match probe when the table had no statistics yet (a
-- freshly grown table): it then read every patient of the site born that day through its first two columns and
-- compared each name, a probe that grew with the site's patients (1.4 s a batch of 32 at 20,000 patients).
DROP INDEX sync_patient_name;
