-- Who may do what: local staff accounts and their roles per site, sessions and API tokens, the first-start setup
-- code, enrolled devices and their pairing codes, and the append-only audit log. Secrets are stored as SHA-256 only.

CREATE TABLE staff_account (
  id               uuid PRIMARY KEY,
  username         text NOT NULL,
  display_name     text NOT NULL,
  password_hash    text NOT NULL,
  -- wrong passwords in a row; 5 lock the account until locked_until
  failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until     timestamptz,
  disabled         boolean NOT NULL DEFAULT false,
  last_sign_in_at  timestamptz,
  created_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX staff_account_username ON staff_account (lower(username));

-- A role held at one site, or at every site when site_id is null.
CREATE TABLE staff_role (
  account_id  uuid NOT NULL REFERENCES staff_account(id) ON DELETE CASCADE,
  site_id     text REFERENCES site(id),
  role        text NOT NULL CHECK (role IN ('front-desk', 'clinician', 'manager', 'admin'))
);
CREATE UNIQUE INDEX staff_role_unique ON staff_role (account_id, coalesce(site_id, '*'), role);
CREATE INDEX staff_role_admins ON staff_role (role) WHERE site_id IS NULL;

-- Browser sessions (cookie: idle and absolute expiry) and API tokens (absolute only). account_id is null for
-- identity-provider sign-ins, whose roles are the snapshot in principal.
CREATE TABLE staff_session (
  token_hash       text PRIMARY KEY,
  account_id       uuid REFERENCES staff_account(id) ON DELETE CASCADE,
  principal        jsonb NOT NULL,
  csrf_token       text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('cookie', 'token')),
  created_at       timestamptz NOT NULL,
  idle_expires_at  timestamptz,
  expires_at       timestamptz NOT NULL,
  revoked_at       timestamptz,
  remote_address   text
);
CREATE INDEX staff_session_account ON staff_session (account_id) WHERE revoked_at IS NULL;
CREATE INDEX staff_session_expiry ON staff_session (expires_at);

-- The one-time code that creates the first admin; at most one row.
CREATE TABLE setup_code (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  code_hash   text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE device (
  id            uuid PRIMARY KEY,
  site_id       text NOT NULL REFERENCES site(id),
  kind          text NOT NULL CHECK (kind IN ('display', 'kiosk')),
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL,
  created_by    text,
  last_seen_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX device_site ON device (site_id, created_at);

CREATE TABLE device_pairing (
  code_hash   text PRIMARY KEY,
  site_id     text NOT NULL REFERENCES site(id),
  kind        text NOT NULL CHECK (kind IN ('display', 'kiosk')),
  name        text NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

-- Who read or changed what. No foreign keys: a record outlives whatever it names.
CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL,
  actor_kind      text NOT NULL CHECK (actor_kind IN ('staff', 'device', 'patient', 'anonymous', 'system')),
  actor_id        text,
  actor_name      text NOT NULL,
  action          text NOT NULL,
  site_id         text,
  entry_id        uuid,
  outcome         integer NOT NULL,
  remote_address  text,
  detail          jsonb
);
CREATE INDEX audit_log_site ON audit_log (site_id, id DESC);
CREATE INDEX audit_log_entry ON audit_log (entry_id, id DESC) WHERE entry_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: the database itself refuses to change or remove a record, whoever asks.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
