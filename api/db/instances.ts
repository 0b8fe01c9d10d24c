// API instance liveness: every API process registers a random id in api_instances and refreshes its
// seen_at every HEARTBEAT_INTERVAL_MS. An idempotency claim records the instance that holds it, so a
// claim of a process that died (SIGKILL, OOM, lost host) can be taken over within seconds, while a claim
// of a live process is never taken over however long its request runs.
import type { Logger } from '../lib/log.js';
import type { Database } from './database.js';

/** How often an instance refreshes api_instances.seen_at. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/**
 * An instance not seen for this long is taken to be dead. Several heartbeats long, so one slow or
 * failed heartbeat (a busy pool: each waits at most the acquire timeout, 5 s by default) does not
 * make a live instance look dead.
 */
export const INSTANCE_DEAD_AFTER_SECONDS = 10;
/** Rows of instances not seen for this long are deleted by the maintenance job. */
export const INSTANCE_ROW_RETENTION_HOURS = 24;

export interface InstanceHandle {
  readonly id: string;
  /** Stops the heartbeat (the row stays; it ages out and the maintenance job deletes it). */
  stop(): Promise<void>;
}

/** Inserts or refreshes this instance's row (seen now, by the database clock). */
export async function heartbeat(db: Database, id: string): Promise<void> {
  await db.global((tx) => tx`
    insert into api_instances (id) values (${id})
    on conflict (id) do update set seen_at = now()`);
}

/**
 * Registers the instance (awaited: its first claim must find it alive) and heartbeats on an unref'd
 * timer, through the pool and its acquire timeout. A failed heartbeat is logged (once until one
 * succeeds again) and retried at the next tick; heartbeats never overlap.
 */
export async function startInstance(db: Database, log: Logger, id: string, opts: { intervalMs?: number } = {}): Promise<InstanceHandle> {
  await heartbeat(db, id);
  const every = opts.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = heartbeat(db, id)
      .then(
        () => {
          if (failing) log.info('instance heartbeat recovered', { instanceId: id });
          failing = false;
        },
        (err: unknown) => {
          if (!failing) log.warn('instance heartbeat failed', { instanceId: id, error: err instanceof Error ? err.message : String(err) });
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
        schedule();
      });
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, every);
    timer.unref();
  };
  schedule();
  return {
    id,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Deletes rows of instances not seen for `maxAgeHours` (their claims are long past every bound). */
export async function deleteDeadInstances(db: Database, maxAgeHours = INSTANCE_ROW_RETENTION_HOURS): Promise<number> {
  return db.global(async (tx) => {
    const r = await tx`delete from api_instances where seen_at < now() - make_interval(hours => ${maxAgeHours})`;
    return r.count;
  });
}
