-- entry_transition without its foreign key to entry. Every command writes a transition, and the key's check ran a
-- query per row that locked the entry row just written (FOR KEY SHARE): a WAL record and a dirtied page per command,
-- besides the query (pg_stat_statements under BENCH=commands: 1 call, 1 WAL record, 60 bytes per command). What the key
-- guaranteed holds by construction instead: QueueStore writes a transition only from the entry row its own statement
-- inserted or updated (`INSERT ... SELECT ... FROM created|changed`) or, for a batch, right after inserting those
-- entries in the same transaction; and no statement deletes an entry (retention clears a visit's details, keeps the row).
ALTER TABLE entry_transition DROP CONSTRAINT entry_transition_entry_id_fkey;
