-- The workspace's API: the flywheel's own runs, dismiss reasons, maintenance schedules, the step
-- library and documentation time. Every new table is a tenant table (RLS enabled + forced, one
-- policy on app.current_account_id with the nullif guard, see ENVIRONMENT.md).

-- Why a proposal was dismissed (shown in the workspace, and a signal for the next analysis).
ALTER TABLE flow_proposals ADD COLUMN dismiss_reason text CHECK (length(dismiss_reason) <= 500);

-- One row per due period of the automatic flywheel ('resolved:<bucket>' after every N resolved
-- sessions, 'every:<hours>h:<bucket>' on the schedule). The primary key is the claim: however many
-- API instances find a period due at once, one insert wins and only that instance runs it.
CREATE TABLE flywheel_runs (
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  period       text NOT NULL CHECK (length(period) <= 100),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  proposals    integer,
  error        text,
  PRIMARY KEY (account_id, period)
);
CREATE INDEX flywheel_runs_recent ON flywheel_runs (account_id, started_at DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flywheel_runs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
      WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO flowpilot_app', t);
  END LOOP;
END $$;
