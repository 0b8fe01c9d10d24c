-- Foundation: the app role, accounts and users, sessions and their facts and fixes, templates,
-- settings, PSA connections, member mappings and idempotency keys. Every tenant table carries
-- account_id with RLS ENABLE + FORCE and one policy on app.current_account_id.

-- The API connects as this role: it can log in, is not a superuser, owns nothing and bypasses no RLS.
-- Its password is set by the migration runner (never written in a migration file).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flowpilot_app') THEN
    CREATE ROLE flowpilot_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS;
  END IF;
END $$;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO flowpilot_app;

CREATE TABLE accounts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  email          text NOT NULL CHECK (email = lower(email)),
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('super_admin', 'team_admin', 'engineer', 'viewer')),
  password_hash  text NOT NULL,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Login starts from an email alone, before any tenant is known; this global directory maps it to
-- the account. It holds no secret (hashes stay in users, behind RLS).
CREATE TABLE login_directory (
  email       text PRIMARY KEY CHECK (email = lower(email)),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE
);

-- Failed sign-ins, kept in the database so the limit holds across API instances.
CREATE TABLE login_failures (
  id           bigserial PRIMARY KEY,
  key          text NOT NULL,
  failed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_time ON login_failures (key, failed_at);

CREATE TABLE refresh_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id    uuid NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  rotated_at   timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- array_to_string is only STABLE; tags are plain text, so joining them is immutable in practice.
CREATE FUNCTION fp_tags_text(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string($1, ' '), '') $$;
GRANT EXECUTE ON FUNCTION fp_tags_text(text[]) TO flowpilot_app;

CREATE TABLE flows (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('troubleshooting', 'procedural', 'maintenance')),
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  category     text,
  tags         text[] NOT NULL DEFAULT '{}',
  graph        jsonb NOT NULL,
  version      integer NOT NULL DEFAULT 1,
  starter_key  text,
  created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  search       tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', fp_tags_text(tags)), 'B') ||
    setweight(to_tsvector('english', coalesce(category, '') || ' ' || coalesce(description, '')), 'C')
  ) STORED
);
CREATE UNIQUE INDEX flows_starter_key ON flows (account_id, starter_key) WHERE starter_key IS NOT NULL;
CREATE INDEX flows_search ON flows USING gin (search);
CREATE INDEX flows_account_live ON flows (account_id) WHERE deleted_at IS NULL;

CREATE TABLE ai_sessions (
  id                              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id                      uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id                         uuid REFERENCES users(id) ON DELETE SET NULL,
  ticket_psa                      text NOT NULL DEFAULT 'connectwise',
  ticket_external_id              text NOT NULL,
  ticket_summary                  text,
  ticket_company                  text,
  ticket_contact                  text,
  ticket_board                    text,
  ticket_status                   text,
  ticket_priority                 text,
  ticket_description              text,
  ticket_url                      text,
  flow_id                         uuid REFERENCES flows(id) ON DELETE SET NULL,
  flow_version                    integer,
  -- The flow graph as it was when the session started: editing the flow never moves a live session.
  flow_graph                      jsonb,
  current_node_id                 text,
  pending_task_lane               jsonb NOT NULL DEFAULT '[]'::jsonb,
  status                          text NOT NULL DEFAULT 'active'
                                  CHECK (status IN ('active', 'paused', 'resolved', 'escalated', 'abandoned')),
  root_cause                      text,
  resolution_note_markdown        text,
  resolution_note_posted_at       timestamptz,
  resolution_note_external_id     text,
  escalation_reason               text,
  escalation_package_markdown     text,
  escalation_package_posted_at    timestamptz,
  escalation_package_external_id  text,
  state_version                   integer NOT NULL DEFAULT 0,
  created_at                      timestamptz NOT NULL DEFAULT now(),
  updated_at                      timestamptz NOT NULL DEFAULT now(),
  ended_at                        timestamptz
);
-- One open (active or paused) session per ticket.
CREATE UNIQUE INDEX ai_sessions_one_open_per_ticket
  ON ai_sessions (account_id, ticket_psa, ticket_external_id) WHERE status IN ('active', 'paused');
CREATE INDEX ai_sessions_ticket ON ai_sessions (account_id, ticket_psa, ticket_external_id);
CREATE INDEX ai_sessions_status ON ai_sessions (account_id, status, updated_at DESC);

CREATE TABLE session_facts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id   uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  text         text NOT NULL,
  -- Polymorphic pointer: 'ticket' or 'lane:<item id>' (checked in the service, no FK by design).
  source_ref   text,
  origin       text NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'copilot')),
  created_by   uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz
);
CREATE INDEX session_facts_active ON session_facts (session_id, created_at) WHERE deleted_at IS NULL;

CREATE TABLE session_suggested_fixes (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id     uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  title          text NOT NULL,
  body           text NOT NULL DEFAULT '',
  confidence     real CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
  origin         text NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'copilot')),
  decision       text CHECK (decision IN ('one_off', 'draft_template', 'build_template', 'dismissed')),
  decided_at     timestamptz,
  decided_by     uuid REFERENCES users(id) ON DELETE SET NULL,
  created_by     uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  superseded_at  timestamptz
);
-- Two active fixes for one session are impossible.
CREATE UNIQUE INDEX session_suggested_fixes_one_active ON session_suggested_fixes (session_id) WHERE superseded_at IS NULL;

CREATE TABLE script_templates (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name               text NOT NULL,
  description        text NOT NULL DEFAULT '',
  language           text NOT NULL DEFAULT 'powershell',
  body               text NOT NULL,
  tags               text[] NOT NULL DEFAULT '{}',
  use_count          integer NOT NULL DEFAULT 0,
  source_session_id  uuid REFERENCES ai_sessions(id) ON DELETE SET NULL,
  source_user_id     uuid REFERENCES users(id) ON DELETE SET NULL,
  source_ticket_ref  text,
  created_by         uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE draft_templates (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id          uuid REFERENCES ai_sessions(id) ON DELETE CASCADE,
  lane_item_id        text,
  name                text NOT NULL,
  language            text NOT NULL DEFAULT 'powershell',
  body                text NOT NULL,
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'dismissed')),
  source_user_id      uuid REFERENCES users(id) ON DELETE SET NULL,
  source_ticket_ref   text,
  script_template_id  uuid REFERENCES script_templates(id) ON DELETE SET NULL,
  decided_by          uuid REFERENCES users(id) ON DELETE SET NULL,
  decided_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
-- Powers the "N scripts ready to review" badge.
CREATE INDEX draft_templates_pending ON draft_templates (account_id) WHERE status = 'pending';

CREATE TABLE account_settings (
  account_id   uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  preferences  jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   uuid REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE psa_connections (
  account_id             uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  psa                    text NOT NULL DEFAULT 'connectwise' CHECK (psa = 'connectwise'),
  site                   text NOT NULL,
  company_id             text NOT NULL,
  public_key             text NOT NULL,
  client_id              text NOT NULL,
  -- AES-256-GCM ciphertext; the private key is never stored or returned in clear.
  private_key_encrypted  text NOT NULL,
  codebase               text,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  updated_by             uuid REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE member_mappings (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id            uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id               uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  psa_member_id         text,
  psa_member_identifier text NOT NULL,
  matched_by            text NOT NULL DEFAULT 'manual' CHECK (matched_by IN ('auto', 'manual')),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, user_id)
);

CREATE TABLE idempotency_keys (
  account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  key            text NOT NULL,
  method         text NOT NULL,
  path           text NOT NULL,
  request_hash   text NOT NULL,
  status_code    integer,
  response       jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Row-level security: one policy per tenant table; 'no tenant set' reads zero rows (the nullif
-- matters on pooled connections, where an unset local setting reads back as '').
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'refresh_tokens', 'flows', 'ai_sessions', 'session_facts',
    'session_suggested_fixes', 'script_templates', 'draft_templates', 'account_settings',
    'psa_connections', 'member_mappings', 'idempotency_keys']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
      WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO flowpilot_app', t);
  END LOOP;
END $$;

-- accounts is keyed by its own id.
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON accounts
  USING (id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON accounts TO flowpilot_app;

-- Global (non-tenant) tables the sign-in path needs.
GRANT SELECT, INSERT, DELETE ON login_directory TO flowpilot_app;
GRANT SELECT, INSERT, DELETE ON login_failures TO flowpilot_app;
GRANT USAGE ON SEQUENCE login_failures_id_seq TO flowpilot_app;
