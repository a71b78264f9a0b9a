-- Failed password attempts are counted per (username as typed, lower-cased; client address), for usernames that
-- name no account exactly as for those that do, so a refusal never tells whether a username exists and an attacker
-- at one address cannot lock the account's owner out from another. The account itself holds no lock any more.
ALTER TABLE staff_account DROP COLUMN failed_attempts, DROP COLUMN locked_until;

CREATE TABLE password_failure (
  username        text NOT NULL,
  remote_address  text NOT NULL,
  -- failures in a row from this address, each within 15 minutes of the one before; 5 lock until locked_until
  failures        integer NOT NULL CHECK (failures > 0),
  last_failed_at  timestamptz NOT NULL,
  locked_until    timestamptz,
  PRIMARY KEY (username, remote_address)
);
-- rows whose last failure is long past are pruned a batch at a time as new failures arrive
CREATE INDEX password_failure_stale ON password_failure (last_failed_at);
