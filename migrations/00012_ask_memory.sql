-- Ask as a conversation (per session, or standalone), feedback on copilot answers for the flywheel,
-- and client memory: facts about a customer company, proposed from resolved sessions and confirmed by
-- an engineer, expiring unless confirmed again.

-- A conversation with the assistant: a session's (one per session) or a standalone one (session_id null).
CREATE TABLE ask_conversations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id  uuid,
  user_id     uuid,
  title       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE SET NULL (user_id)
);
CREATE UNIQUE INDEX ask_conversations_session ON ask_conversations (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX ask_conversations_user ON ask_conversations (account_id, user_id, updated_at DESC) WHERE session_id IS NULL;

-- One question or answer. An answer keeps the sources it was given (kind, id, title) so its citations
-- still resolve when the conversation is read back.
CREATE TABLE ask_turns (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL,
  role             text NOT NULL CHECK (role IN ('user', 'assistant')),
  text             text NOT NULL,
  sources          jsonb NOT NULL DEFAULT '[]',
  tier             text CHECK (tier IN ('offline', 'fast', 'deep')),
  model            text,
  created_by       uuid,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES ask_conversations (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX ask_turns_conversation ON ask_turns (conversation_id, created_at);

-- Thumbs up/down on a suggestion, an answer or a fix: one row per user and target (a second vote replaces the first).
CREATE TABLE copilot_feedback (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id  uuid NOT NULL,
  user_id     uuid NOT NULL,
  target      text NOT NULL CHECK (target IN ('suggestion', 'answer', 'fix')),
  -- '' when the target has no id (the session's latest suggestion), so the unique key below holds.
  target_id   text NOT NULL DEFAULT '',
  rating      text NOT NULL CHECK (rating IN ('up', 'down')),
  comment     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, session_id, user_id, target, target_id),
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);

-- Client memory. `company` is matched case-insensitively (ConnectWise company names as the page shows them).
CREATE TABLE client_memory (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  company            text NOT NULL CHECK (length(btrim(company)) > 0),
  kind               text NOT NULL CHECK (kind IN ('firewall', 'vpn', 'mail', 'backup', 'contact', 'quirk', 'other')),
  text               text NOT NULL CHECK (length(btrim(text)) > 0),
  status             text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed')),
  origin             text NOT NULL CHECK (origin IN ('rule', 'model', 'engineer')),
  -- Provenance: the resolved session (and its ticket) the fact was learned from.
  source_session_id  uuid,
  source_ticket      text,
  created_by         uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  confirmed_by       uuid,
  confirmed_at       timestamptz,
  -- Set on each confirmation; past it the fact is no longer shown or used until confirmed again.
  expires_at         timestamptz,
  search             tsvector GENERATED ALWAYS AS (to_tsvector('english', company || ' ' || text)) STORED,
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, source_session_id) REFERENCES ai_sessions (account_id, id) ON DELETE SET NULL (source_session_id),
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE SET NULL (created_by),
  FOREIGN KEY (account_id, confirmed_by) REFERENCES users (account_id, id) ON DELETE SET NULL (confirmed_by),
  CHECK (status = 'proposed' OR expires_at IS NOT NULL)
);
CREATE UNIQUE INDEX client_memory_fact ON client_memory (account_id, lower(company), lower(text));
CREATE INDEX client_memory_company ON client_memory (account_id, lower(company), status);
CREATE INDEX client_memory_search ON client_memory USING gin (search);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ask_conversations', 'ask_turns', 'copilot_feedback', 'client_memory']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
      WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO flowpilot_app', t);
  END LOOP;
END $$;

-- Usage rows for the new model features.
ALTER TABLE ai_usage DROP CONSTRAINT ai_usage_feature_check;
ALTER TABLE ai_usage ADD CONSTRAINT ai_usage_feature_check
  CHECK (feature IN ('suggest', 'flow_builder', 'flywheel', 'embedding', 'search', 'summary', 'customer_reply', 'briefing', 'ask', 'client_memory'));
