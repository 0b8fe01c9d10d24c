-- The copilot's ticket summary cache, the privacy-preview record, customer replies posted through the
-- note outbox, and usage accounting for the new model calls.

-- One summary per ConnectWise ticket, valid while the ticket's _info.lastUpdated is unchanged.
CREATE TABLE ticket_summaries (
  account_id          uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  psa                 text NOT NULL CHECK (psa = 'connectwise'),
  ticket_external_id  text NOT NULL,
  -- ConnectWise's _info.lastUpdated as it sent it (compared as text: a changed value refreshes).
  last_updated        text NOT NULL,
  tier                text NOT NULL CHECK (tier IN ('offline', 'fast', 'deep')),
  model               text,
  summary             jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, psa, ticket_external_id)
);
ALTER TABLE ticket_summaries ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_summaries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_summaries
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON ticket_summaries TO flowpilot_app;

-- Which outbound previews an engineer opened on a session (privacy.requirePreview gates model calls on it).
CREATE TABLE session_outbound_previews (
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id  uuid NOT NULL,
  purpose     text NOT NULL CHECK (purpose IN ('suggest', 'summary', 'reply', 'briefing', 'embed')),
  opened_by   uuid,
  opened_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, purpose),
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, opened_by) REFERENCES users (account_id, id) ON DELETE SET NULL (opened_by)
);
ALTER TABLE session_outbound_previews ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_outbound_previews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_outbound_previews
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON session_outbound_previews TO flowpilot_app;

-- A reply for the customer is posted as a discussion note through the same exactly-once outbox.
ALTER TABLE psa_note_outbox DROP CONSTRAINT psa_note_outbox_kind_check;
ALTER TABLE psa_note_outbox ADD CONSTRAINT psa_note_outbox_kind_check CHECK (kind IN ('resolution_note', 'escalation_package', 'customer_reply'));

ALTER TABLE ai_usage DROP CONSTRAINT ai_usage_feature_check;
ALTER TABLE ai_usage ADD CONSTRAINT ai_usage_feature_check
  CHECK (feature IN ('suggest', 'flow_builder', 'flywheel', 'embedding', 'search', 'summary', 'customer_reply', 'briefing'));

-- The model's escalation briefing for a session, valid for the state_version it was written at (writing
-- it bumps the version: it changes what the escalation package says).
CREATE TABLE session_escalation_briefings (
  account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id     uuid PRIMARY KEY,
  state_version  integer NOT NULL,
  tier           text NOT NULL CHECK (tier IN ('fast', 'deep')),
  model          text NOT NULL,
  briefing       jsonb NOT NULL,
  created_by     uuid,
  created_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE SET NULL (created_by)
);
ALTER TABLE session_escalation_briefings ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_escalation_briefings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_escalation_briefings
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON session_escalation_briefings TO flowpilot_app;
