-- The engine: full-text search over sessions and script templates, the note render cache, and
-- one draft per command of a session.

-- Resolved sessions are found again by search: the ticket, its root cause and the stored
-- (already redacted) resolution note. The ticket number is indexed verbatim ('simple').
ALTER TABLE ai_sessions ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(ticket_summary, '')), 'A') ||
  setweight(to_tsvector('simple', coalesce(ticket_external_id, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(root_cause, '') || ' ' || coalesce(ticket_company, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(ticket_description, '')), 'C') ||
  setweight(to_tsvector('english', coalesce(resolution_note_markdown, '')), 'D')
) STORED;
CREATE INDEX ai_sessions_search ON ai_sessions USING gin (search);

ALTER TABLE script_templates ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
  setweight(to_tsvector('english', fp_tags_text(tags)), 'B') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'C') ||
  setweight(to_tsvector('simple', coalesce(body, '')), 'D')
) STORED;
CREATE INDEX script_templates_search ON script_templates USING gin (search);

-- A command becomes at most one draft, however often resolve logic runs.
CREATE UNIQUE INDEX draft_templates_one_per_lane_item ON draft_templates (session_id, lane_item_id)
  WHERE lane_item_id IS NOT NULL;

-- Rendered resolution notes and escalation packages, keyed by what they were rendered from:
-- the session's state_version and a hash of the account's redaction rules. The API is stateless,
-- so the cache lives here; one row per (session, document, format), overwritten on a newer version.
CREATE TABLE session_note_renders (
  account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id     uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  document       text NOT NULL CHECK (document IN ('resolution', 'escalation')),
  format         text NOT NULL CHECK (format IN ('markdown', 'text', 'html')),
  state_version  integer NOT NULL,
  rules_hash     text NOT NULL,
  body           text NOT NULL,
  redactions     jsonb NOT NULL DEFAULT '[]'::jsonb,
  rendered_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, document, format)
);

ALTER TABLE session_note_renders ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_note_renders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_note_renders
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON session_note_renders TO flowpilot_app;
