-- Un-hidden redactions: an engineer marked a redacted spot of a session's note as a false positive.
-- Recorded per (session, fingerprint) and honoured by that session's note renders only; never the
-- account's rules, never model prompts or embeddings (they redact again from the rules). The
-- fingerprint is an HMAC keyed by the session id over the kind and the text, so the table never holds
-- the text itself and a fingerprint means nothing in another session.
CREATE TABLE session_redaction_reveals (
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id   uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  fingerprint  text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{20}$'),
  kind         text NOT NULL,
  revealed_by  uuid REFERENCES users(id) ON DELETE SET NULL,
  revealed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, fingerprint)
);

ALTER TABLE session_redaction_reveals ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_redaction_reveals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_redaction_reveals
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, DELETE ON session_redaction_reveals TO flowpilot_app;
