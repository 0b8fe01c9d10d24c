-- Share links are stored, so they can be listed and revoked, die with their creator's access, and
-- show a redacted snapshot taken when the link was made (facts added later never leak through them).
-- The link's token is `fpsl_<account hex>_<link id hex>_<32 random bytes>`; only its SHA-256 is kept.
-- The account id in clear only routes the public lookup into the right tenant (like refresh tokens).

CREATE TABLE share_links (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id    uuid NOT NULL,
  created_by    uuid NOT NULL,
  token_hash    text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  revoked_by    uuid,
  -- The redacted resolution note (every format) and the session's headline at the time of sharing.
  snapshot      jsonb NOT NULL,
  -- Composite tenant keys (see 00006): a link can only point at its own account's session and users.
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, revoked_by) REFERENCES users (account_id, id) ON DELETE SET NULL (revoked_by),
  CHECK (expires_at > created_at)
);
CREATE INDEX share_links_session ON share_links (account_id, session_id, created_at DESC);

ALTER TABLE share_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE share_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON share_links
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON share_links TO flowpilot_app;
