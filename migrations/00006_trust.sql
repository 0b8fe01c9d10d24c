-- Trust: idempotency keys scoped per user (claimed and finalised in short transactions of their own)
-- with a cleanup function, and tenant foreign keys made composite (account_id, id) so a row can
-- never point at another account's row, whatever the code that inserts it forgets to check.

-- 1. Idempotency keys belong to the user who sent them: a replay runs nobody else's role check.
-- Rows written under the old per-account scheme have no user; they are a 24-hour replay cache,
-- so they are dropped rather than guessed (a retry of one of them in the upgrade window runs again).
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD COLUMN user_id uuid NOT NULL;
-- Each claim gets its own id: finalising or releasing touches only the claim this request made,
-- never a newer one that took over a stale key.
ALTER TABLE idempotency_keys ADD COLUMN claim_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE idempotency_keys ADD PRIMARY KEY (account_id, user_id, key);
ALTER TABLE idempotency_keys
  ADD CONSTRAINT idempotency_keys_user_fkey FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE;
COMMENT ON COLUMN idempotency_keys.created_at IS 'When this claim was made (a stale unfinished claim is re-claimed with a new time)';
CREATE INDEX idempotency_keys_account_created ON idempotency_keys (account_id, created_at);

-- Deletes up to max_rows keys older than max_age across accounts, and returns how many it deleted.
-- idempotency_keys is a tenant table with RLS forced, so this runs as the caller (the app role) and
-- sets each account's context in turn: RLS keeps every DELETE to one account, nothing is bypassed.
-- Accounts are listed from login_directory, the global sign-in table (every key has a user, every
-- user an entry there). Several API instances may call it at once: a row deleted by one is skipped
-- by the others.
CREATE FUNCTION fp_delete_expired_idempotency_keys(max_age interval, max_rows integer) RETURNS integer
  LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
DECLARE
  acc uuid;
  n integer;
  total integer := 0;
BEGIN
  FOR acc IN SELECT DISTINCT account_id FROM login_directory LOOP
    EXIT WHEN total >= max_rows;
    PERFORM set_config('app.current_account_id', acc::text, true);
    DELETE FROM idempotency_keys
    WHERE ctid IN (SELECT ctid FROM idempotency_keys
                   WHERE account_id = acc AND created_at < now() - max_age
                   LIMIT max_rows - total);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
  END LOOP;
  PERFORM set_config('app.current_account_id', '', true);
  RETURN total;
END $$;
REVOKE ALL ON FUNCTION fp_delete_expired_idempotency_keys(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fp_delete_expired_idempotency_keys(interval, integer) TO flowpilot_app;

-- 2. Composite tenant foreign keys. Every foreign key from a table with account_id to another table
-- with account_id (other than accounts itself) on a single id column becomes
-- (account_id, col) -> parent (account_id, id), keeping its ON DELETE action; SET NULL nulls only the
-- pointer column (PostgreSQL 15+), never account_id. Referenced tables get UNIQUE (account_id, id).
DO $$
DECLARE
  fk record;
  parent text;
BEGIN
  -- The referenced tables first.
  FOR parent IN
    SELECT DISTINCT c.confrelid::regclass::text
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND array_length(c.conkey, 1) = 1
      AND c.confrelid <> 'accounts'::regclass
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
  LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_constraint u
      WHERE u.conrelid = parent::regclass AND u.contype IN ('u', 'p')
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
             WHERE a.attrelid = u.conrelid AND a.attnum = ANY (u.conkey)) = ARRAY['account_id', 'id']
    ) THEN
      EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I UNIQUE (account_id, id)', parent, parent || '_account_id_id_key');
    END IF;
  END LOOP;

  FOR fk IN
    SELECT c.conname, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1]) AS col,
           (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[1]) AS pcol,
           c.confdeltype
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND array_length(c.conkey, 1) = 1
      AND c.confrelid <> 'accounts'::regclass
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
      AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attname = 'account_id' AND NOT a.attisdropped)
    ORDER BY 2, 1
  LOOP
    IF fk.pcol <> 'id' THEN
      RAISE EXCEPTION 'foreign key %.% points at %.% (not id): convert it by hand', fk.child, fk.conname, fk.parent, fk.pcol;
    END IF;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.child, fk.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (account_id, %I) REFERENCES %s (account_id, id) ON DELETE %s',
      fk.child, fk.conname, fk.col, fk.parent,
      CASE fk.confdeltype
        WHEN 'c' THEN 'CASCADE'
        WHEN 'n' THEN format('SET NULL (%I)', fk.col)
        WHEN 'r' THEN 'RESTRICT'
        ELSE 'NO ACTION'
      END);
  END LOOP;
END $$;
