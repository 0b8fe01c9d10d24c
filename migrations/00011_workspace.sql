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

-- Maintenance schedules: a maintenance flow, its targets (jsonb: [{id, name, company, companyIdentifier,
-- board}], ids assigned by the API and kept across edits so run history follows a target) and a
-- recurrence rule (api/services/schedules/recurrence.ts). next_due_at is the next occurrence; the
-- scheduler in every API instance opens what is due.
CREATE TABLE maintenance_schedules (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  flow_id          uuid NOT NULL,
  recurrence       jsonb NOT NULL,
  targets          jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(targets) = 'array'),
  -- Whose session it is (null: the schedule's creator).
  assignee_id      uuid,
  create_psa_ticket boolean NOT NULL DEFAULT true,
  enabled          boolean NOT NULL DEFAULT true,
  next_due_at      timestamptz,
  created_by       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, flow_id) REFERENCES flows (account_id, id),
  FOREIGN KEY (account_id, assignee_id) REFERENCES users (account_id, id) ON DELETE SET NULL (assignee_id),
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX maintenance_schedules_due ON maintenance_schedules (account_id, next_due_at) WHERE enabled;

-- One run per (schedule, target, due date): the unique key is the claim that keeps several API
-- instances from opening the same maintenance twice.
CREATE TABLE maintenance_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  schedule_id         uuid NOT NULL,
  target_id           uuid NOT NULL,
  target_name         text NOT NULL,
  due_at              timestamptz NOT NULL,
  status              text NOT NULL DEFAULT 'opening' CHECK (status IN ('opening', 'opened', 'failed')),
  session_id          uuid,
  ticket_external_id  text,
  error               text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  UNIQUE (schedule_id, target_id, due_at),
  FOREIGN KEY (account_id, schedule_id) REFERENCES maintenance_schedules (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, session_id) REFERENCES ai_sessions (account_id, id) ON DELETE SET NULL (session_id)
);
CREATE INDEX maintenance_runs_history ON maintenance_runs (account_id, schedule_id, target_id, due_at DESC);

-- The step library: reusable flow nodes (the node JSON the editor copies into a graph), rated 1–5
-- with a short review, one review per user per step.
CREATE TABLE library_steps (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  category     text CHECK (length(category) <= 100),
  tags         text[] NOT NULL DEFAULT '{}',
  node         jsonb NOT NULL CHECK (jsonb_typeof(node) = 'object'),
  use_count    integer NOT NULL DEFAULT 0,
  created_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  search       tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', fp_tags_text(tags)), 'B') ||
    setweight(to_tsvector('english', coalesce(category, '') || ' ' || coalesce(description, '') || ' ' || coalesce(node->>'body', '') || ' ' || coalesce(node->>'command', '')), 'C')
  ) STORED,
  UNIQUE (account_id, id),
  FOREIGN KEY (account_id, created_by) REFERENCES users (account_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX library_steps_search ON library_steps USING gin (search);

CREATE TABLE library_step_reviews (
  account_id  uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  step_id     uuid NOT NULL,
  user_id     uuid NOT NULL,
  rating      smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  review      text CHECK (length(review) <= 500),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (step_id, user_id),
  FOREIGN KEY (account_id, step_id) REFERENCES library_steps (account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['flywheel_runs', 'maintenance_schedules', 'maintenance_runs', 'library_steps', 'library_step_reviews']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
      WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO flowpilot_app', t);
  END LOOP;
END $$;
