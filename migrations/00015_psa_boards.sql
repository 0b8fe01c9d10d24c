-- The account's active service boards (the escalation's board picker), cached like board statuses: one row
-- per account, refreshed when older than the API's TTL, shared by every API instance.
CREATE TABLE psa_boards (
  account_id   uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  boards       jsonb NOT NULL,
  fetched_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE psa_boards ENABLE ROW LEVEL SECURITY;
ALTER TABLE psa_boards FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON psa_boards
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON psa_boards TO flowpilot_app;
