-- AI: model usage per suggestion, embeddings for hybrid search (and the queue that fills them),
-- and flow proposals from the knowledge flywheel.

-- What every model or embedding call cost: powers GET /v1/usage (per account and month).
CREATE TABLE ai_usage (
  id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id                   uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id                      uuid REFERENCES users(id) ON DELETE SET NULL,
  session_id                   uuid REFERENCES ai_sessions(id) ON DELETE SET NULL,
  feature                      text NOT NULL CHECK (feature IN ('suggest', 'flow_builder', 'flywheel', 'embedding', 'search')),
  -- The tier that answered (null for embedding calls, which have no tier).
  tier                         text CHECK (tier IN ('offline', 'fast', 'deep')),
  -- The tier the router chose; differs from tier when the provider failed and offline answered.
  routed_tier                  text CHECK (routed_tier IN ('offline', 'fast', 'deep')),
  provider                     text NOT NULL CHECK (provider IN ('offline', 'anthropic', 'voyage')),
  model                        text,
  outcome                      text NOT NULL CHECK (outcome IN ('ok', 'repaired', 'fallback', 'aborted', 'error')),
  fallback_reason              text,
  input_tokens                 integer NOT NULL DEFAULT 0,
  output_tokens                integer NOT NULL DEFAULT 0,
  cache_creation_input_tokens  integer NOT NULL DEFAULT 0,
  cache_read_input_tokens      integer NOT NULL DEFAULT 0,
  attempts                     integer NOT NULL DEFAULT 0,
  latency_ms                   integer NOT NULL DEFAULT 0,
  cost_usd                     numeric(12, 6) NOT NULL DEFAULT 0,
  created_at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_usage_account_time ON ai_usage (account_id, created_at);

-- One vector per searchable row (flow, resolved session, script template) and embedding model.
-- pgvector is not available everywhere, so vectors are real[] (unit length: the dot product is the
-- cosine) and ranked in the query; see api/services/ai/embeddings.ts.
CREATE TABLE embeddings (
  account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source_kind   text NOT NULL CHECK (source_kind IN ('flow', 'session', 'script')),
  source_id     uuid NOT NULL,
  model         text NOT NULL,
  content_hash  text NOT NULL,
  dims          integer NOT NULL CHECK (dims > 0),
  embedding     real[] NOT NULL CHECK (cardinality(embedding) = dims),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, source_kind, source_id, model)
);

-- The embedding queue. Deliberately NOT a tenant table: the drainer must see every account's jobs,
-- and RLS would hide them. It holds only identifiers (no ticket text, no titles), so nothing
-- tenant-readable leaks through it; the worker leases a batch here, then reads and writes the
-- rows themselves inside a per-account tenant transaction where RLS applies as usual.
CREATE TABLE embedding_jobs (
  id            bigserial PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source_kind   text NOT NULL CHECK (source_kind IN ('flow', 'session', 'script')),
  source_id     uuid NOT NULL,
  -- Bumped when the row changes again while a worker holds the job, so that worker does not
  -- delete a job whose newer content it never saw.
  version       integer NOT NULL DEFAULT 1,
  enqueued_at   timestamptz NOT NULL DEFAULT now(),
  run_after     timestamptz NOT NULL DEFAULT now(),
  leased_until  timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  UNIQUE (account_id, source_kind, source_id)
);
CREATE INDEX embedding_jobs_due ON embedding_jobs (run_after);
GRANT SELECT, INSERT, UPDATE, DELETE ON embedding_jobs TO flowpilot_app;
GRANT USAGE ON SEQUENCE embedding_jobs_id_seq TO flowpilot_app;

-- Rows enqueue themselves when what search sees of them changes, whoever writes them.
CREATE FUNCTION fp_enqueue_embedding() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE kind text := TG_ARGV[0];
BEGIN
  -- Sessions are searchable once resolved (and must leave the index if that ever changes).
  -- Nested IFs: plpgsql does not short-circuit, and flows/scripts have no status column.
  IF kind = 'session' THEN
    IF NEW.status <> 'resolved' THEN
      IF TG_OP = 'INSERT' THEN RETURN NEW; END IF;
      IF OLD.status <> 'resolved' THEN RETURN NEW; END IF;
    END IF;
  END IF;
  INSERT INTO embedding_jobs (account_id, source_kind, source_id)
  VALUES (NEW.account_id, kind, NEW.id)
  ON CONFLICT (account_id, source_kind, source_id)
  DO UPDATE SET version = embedding_jobs.version + 1, enqueued_at = now(), run_after = now(), attempts = 0, last_error = NULL;
  RETURN NEW;
END $$;
GRANT EXECUTE ON FUNCTION fp_enqueue_embedding() TO flowpilot_app;

CREATE TRIGGER flows_embedding AFTER INSERT OR UPDATE OF title, description, category, tags, graph, deleted_at ON flows
  FOR EACH ROW EXECUTE FUNCTION fp_enqueue_embedding('flow');
CREATE TRIGGER ai_sessions_embedding AFTER INSERT OR UPDATE OF status, root_cause, resolution_note_markdown ON ai_sessions
  FOR EACH ROW EXECUTE FUNCTION fp_enqueue_embedding('session');
CREATE TRIGGER script_templates_embedding AFTER INSERT OR UPDATE OF name, description, body, tags ON script_templates
  FOR EACH ROW EXECUTE FUNCTION fp_enqueue_embedding('script');

-- Knowledge flywheel: flows proposed from resolved sessions that had no flow or left theirs.
CREATE TABLE flow_proposals (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title               text NOT NULL,
  description         text NOT NULL DEFAULT '',
  kind                text NOT NULL CHECK (kind IN ('troubleshooting', 'procedural', 'maintenance')),
  tags                text[] NOT NULL DEFAULT '{}',
  graph               jsonb NOT NULL,
  rationale           text NOT NULL DEFAULT '',
  source_session_ids  uuid[] NOT NULL,
  origin              text NOT NULL CHECK (origin IN ('offline', 'model')),
  model               text,
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'dismissed')),
  flow_id             uuid REFERENCES flows(id) ON DELETE SET NULL,
  decided_by          uuid REFERENCES users(id) ON DELETE SET NULL,
  decided_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flow_proposals_pending ON flow_proposals (account_id, created_at DESC) WHERE status = 'pending';
CREATE INDEX flow_proposals_sources ON flow_proposals USING gin (source_session_ids);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ai_usage', 'embeddings', 'flow_proposals']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)
      WITH CHECK (account_id = nullif(current_setting('app.current_account_id', true), '')::uuid)$p$, t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO flowpilot_app', t);
  END LOOP;
END $$;
