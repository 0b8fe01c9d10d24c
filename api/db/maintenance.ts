// Periodic clean-up the API process runs: expired idempotency keys, old sign-in attempts, long-dead API instances.
import type { Logger } from '../lib/log.js';
import { WINDOW_HOURS } from '../lib/idempotency.js';
import type { Database } from './database.js';
import { deleteDeadInstances } from './instances.js';

/**
 * Deletes idempotency keys older than the replay window, `batch` rows per statement so no statement
 * holds many row locks for long. idempotency_keys is an RLS tenant table: the SQL function
 * (migration 00006) runs as the app role and sets each account's context in turn, so nothing bypasses RLS.
 */
export async function deleteExpiredIdempotencyKeys(db: Database, opts: { batch?: number; maxAgeHours?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 1000;
  const hours = opts.maxAgeHours ?? WINDOW_HOURS;
  let total = 0;
  for (;;) {
    const [row] = await db.global((tx) => tx<[{ n: number }]>`
      select fp_delete_expired_idempotency_keys(make_interval(hours => ${hours}), ${batch}) as n`);
    total += row.n;
    if (row.n < batch) return total;
  }
}

/** Sign-in and registration attempts older than any throttling window (a global table, no RLS). */
export async function deleteOldAttempts(db: Database, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.global(async (tx) => {
      const r = await tx`delete from login_failures where id in (
        select id from login_failures where failed_at < now() - interval '1 day' limit ${batch})`;
      return r.count;
    });
    total += n;
    if (n < batch) return total;
  }
}

export interface MaintenanceHandle {
  /** One pass now (tests, and the first run). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every `intervalMs` (default 10 min) one pass. Safe with several instances: the deletes are
 * idempotent and a row another instance deleted first is simply skipped. The timer is unref'd so it
 * never keeps the process alive, and passes never overlap within one process.
 */
export function startMaintenance(db: Database, log: Logger, opts: { intervalMs?: number } = {}): MaintenanceHandle {
  let running: Promise<void> | null = null;
  const runOnce = () =>
    (running ??= (async () => {
      try {
        const keys = await deleteExpiredIdempotencyKeys(db);
        const attempts = await deleteOldAttempts(db);
        const instances = await deleteDeadInstances(db);
        if (keys || attempts || instances) log.info('maintenance pass', { expiredIdempotencyKeys: keys, oldSignInAttempts: attempts, deadInstances: instances });
      } catch (err) {
        log.warn('maintenance pass failed', { error: err instanceof Error ? err.message : String(err) });
      }
    })().finally(() => (running = null)));
  const every = opts.intervalMs ?? 10 * 60_000;
  const timer = every > 0 ? setInterval(() => void runOnce(), every) : null;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
