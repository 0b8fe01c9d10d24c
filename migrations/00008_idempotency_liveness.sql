-- Idempotency claims follow the liveness of the API instance that holds them: each API process
-- registers a random id in api_instances at start-up and refreshes seen_at every few seconds; an
-- unfinished claim whose instance has not been seen for a few seconds (or whose row is gone) is the
-- leftover of a dead process and may be claimed again at once, instead of blocking its key (409)
-- until the 300 s safety bound. A claim of a live instance, however slow, is never taken over.

-- A global table (no account data: an id and two times), like login_failures.
CREATE TABLE api_instances (
  id          uuid PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  seen_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_instances_seen ON api_instances (seen_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON api_instances TO flowpilot_app;

-- The instance that made the claim. No foreign key: instance rows long dead are deleted by the
-- maintenance job, and a claim whose instance row is gone counts as dead. NULL (claims made before
-- this migration, during a rolling upgrade) falls back to the 300 s bound alone.
ALTER TABLE idempotency_keys ADD COLUMN instance_id uuid;
COMMENT ON COLUMN idempotency_keys.instance_id IS 'The API instance (api_instances.id) running the claimed request';
