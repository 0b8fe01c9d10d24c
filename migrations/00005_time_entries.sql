-- ConnectWise time entries: at most one per session. A POST /time/entries whose answer is lost may
-- still have stored the entry, and time entries have no notes list to search, so each session's entry
-- carries a marker line ("FlowPilot ref <ref>") in its notes; a retry lists the ticket's time entries
-- (conditions on chargeToType/chargeToId) and adopts the marked one instead of logging time twice.

CREATE TABLE psa_time_entries (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id             uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id             uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  ticket_external_id     text NOT NULL,
  -- The marker id written as the notes' last line; stable across retries of this session's entry.
  ref                    text NOT NULL CHECK (ref ~ '^[0-9A-Z]{10}$'),
  minutes                integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
  time_start             timestamptz NOT NULL,
  time_end               timestamptz NOT NULL,
  notes                  text NOT NULL,
  billable_option        text NOT NULL CHECK (billable_option IN ('Billable', 'DoNotBill', 'NoCharge')),
  add_to_resolution      boolean NOT NULL DEFAULT false,
  member_identifier      text NOT NULL,
  status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'logged')),
  attempts               integer NOT NULL DEFAULT 0,
  -- While set in the future, one request is logging this entry; others get 409.
  lease_until            timestamptz,
  last_error             text,
  external_entry_id      text,
  created_by             uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  logged_at              timestamptz,
  UNIQUE (account_id, session_id),
  UNIQUE (account_id, ref),
  CHECK (time_end > time_start),
  CHECK (status <> 'logged' OR (external_entry_id IS NOT NULL AND logged_at IS NOT NULL))
);

ALTER TABLE psa_time_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE psa_time_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON psa_time_entries
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON psa_time_entries TO flowpilot_app;
