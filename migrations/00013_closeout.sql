-- Closing a ticket from the panel: a short cache of ConnectWise board statuses (the status picker),
-- where a proposed fix came from (a past session's fix, "propose this"), and the index behind a
-- company's session history.

-- Board statuses change rarely and every panel of the account asks for the same few boards: one row per
-- (account, board), refreshed when older than the API's TTL. In the database, not in memory, so every
-- API instance sees the same list and a refresh on one is a refresh for all.
CREATE TABLE psa_board_statuses (
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  board_id     integer NOT NULL,
  board_name   text,
  statuses     jsonb NOT NULL,
  fetched_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, board_id)
);
ALTER TABLE psa_board_statuses ENABLE ROW LEVEL SECURITY;
ALTER TABLE psa_board_statuses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON psa_board_statuses
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON psa_board_statuses TO flowpilot_app;

-- A fix proposed from a past session keeps its provenance (composite, so it cannot point into another account).
ALTER TABLE session_suggested_fixes ADD COLUMN from_session_id uuid;
ALTER TABLE session_suggested_fixes
  ADD CONSTRAINT session_suggested_fixes_from_session_fkey FOREIGN KEY (account_id, from_session_id)
  REFERENCES ai_sessions (account_id, id) ON DELETE SET NULL (from_session_id);

-- The ConnectWise server's time zone (IANA, mapped from the Windows name system/info reports), kept when the
-- connection is tested: notes are written in it unless the account sets its own.
ALTER TABLE psa_connections ADD COLUMN server_time_zone text;

-- "The last sessions for this company": equality on text is leakproof, so this index serves under RLS.
CREATE INDEX ai_sessions_company ON ai_sessions (account_id, ticket_company, created_at DESC) WHERE ticket_company IS NOT NULL;
