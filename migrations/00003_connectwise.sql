-- ConnectWise note posting: one outbox row per note (session, kind, content), so a post whose outcome
-- is unknown is found again by its marker line ("FlowPilot ref <ref>") instead of being posted twice.

CREATE TABLE psa_note_outbox (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id             uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id             uuid NOT NULL REFERENCES ai_sessions(id) ON DELETE CASCADE,
  kind                   text NOT NULL CHECK (kind IN ('resolution_note', 'escalation_package')),
  ticket_external_id     text NOT NULL,
  -- The marker id written as the note's last line; stable across retries of this note.
  ref                    text NOT NULL CHECK (ref ~ '^[0-9A-Z]{10}$'),
  -- sha256 over ticket, kind, flags and body: the same unchanged note maps to the same row.
  content_hash           text NOT NULL,
  note_text              text NOT NULL,
  detail_description     boolean NOT NULL,
  internal_analysis      boolean NOT NULL,
  resolution             boolean NOT NULL,
  process_notifications  boolean NOT NULL DEFAULT false,
  member_identifier      text,
  status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'posted')),
  attempts               integer NOT NULL DEFAULT 0,
  -- While set in the future, one request is posting this row; others wait or get 409.
  lease_until            timestamptz,
  last_error             text,
  external_note_id       text,
  created_by             uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  posted_at              timestamptz,
  UNIQUE (account_id, ref),
  UNIQUE (account_id, session_id, kind, content_hash),
  CHECK (detail_description OR internal_analysis OR resolution),
  CHECK (status <> 'posted' OR external_note_id IS NOT NULL)
);
CREATE INDEX psa_note_outbox_session ON psa_note_outbox (session_id, kind, created_at DESC);
CREATE INDEX psa_note_outbox_pending ON psa_note_outbox (account_id, updated_at) WHERE status = 'pending';

ALTER TABLE psa_note_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE psa_note_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON psa_note_outbox
  USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
  WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON psa_note_outbox TO flowpilot_app;
