-- Un-hidden redactions: an engineer marked a redacted spot of a session's note as a false positive.
-- Recorded per (session, fingerprint) and honoured by that session's note renders only; never the
-- account's rules, never model prompts or embeddings (they redact again from the rules). The
-- fingerprint is an HMAC over the kind and the text keyed by the session's random redaction_salt (never
-- returned by any route), so the table never holds the text, a fingerprint means nothing in another
-- session, and a spot id shown to a reader cannot be brute-forced back into a short PIN or password.
ALTER TABLE ai_sessions ADD COLUMN redaction_salt bytea NOT NULL DEFAULT uuid_send(gen_random_uuid());

CREATE TABLE session_redaction_reveals (
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id   uuid NOT NULL,
  fingerprint  text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{20}$'),
  kind         text NOT NULL,
  revealed_by  uuid,
  revealed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, fingerprint),
  -- Composite tenant keys (see 00006): a reveal can only point at its own account's session and user.
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, revealed_by) REFERENCES users (account_id, id) ON DELETE SET NULL (revealed_by)
);

ALTER TABLE session_redaction_reveals ENABLE ROW LEVEL SECURITY;
ALTER TABLE session_redaction_reveals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON session_redaction_reveals
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, DELETE ON session_redaction_reveals TO flowpilot_app;
