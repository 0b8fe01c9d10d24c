// Background work the API process runs for the AI layer: draining embedding jobs (with a Voyage key) and a periodic offline flywheel pass.
import type { Deps } from '../../deps.js';
import { startEmbeddingWorker, type WorkerHandle } from './embeddings.js';
import { runDueFlywheel } from './flywheel-runs.js';

export interface BackgroundOptions {
  /** How often each account is checked for a due flywheel period (default 5 min; 0 = never). */
  flywheelIntervalMs?: number;
}

/**
 * The automatic flywheel pass is offline on purpose: it is cheap and deterministic. Each account runs
 * when a period is due (its settings: after every N resolved sessions, every H hours), and a claimed
 * row per period means one instance runs it however many check at once (flywheel-runs.ts).
 * Model-written proposals come from an admin's explicit POST /v1/flow-proposals/analyse.
 */
export async function flywheelPass(deps: Pick<Deps, 'db' | 'log'>, now = new Date()): Promise<number> {
  const accounts = await deps.db.sql<{ account_id: string }[]>`select distinct account_id from login_directory`;
  let created = 0;
  for (const { account_id: accountId } of accounts) {
    try {
      created += (await runDueFlywheel(deps.db, deps.log, accountId, now)).proposals;
    } catch (err) {
      deps.log.warn('flywheel pass failed for an account', { account: accountId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return created;
}

export function startAiBackground(deps: Pick<Deps, 'db' | 'log' | 'ai'>, opts: BackgroundOptions = {}): { stop(): Promise<void> } {
  const embedder = deps.ai?.embedder;
  let worker: WorkerHandle | null = null;
  if (embedder) {
    worker = startEmbeddingWorker(deps.db, embedder, deps.log);
    deps.log.info('embedding worker started', { model: embedder.model });
  }
  const every = opts.flywheelIntervalMs ?? 5 * 60_000;
  let pass: Promise<unknown> | null = null;
  const timer = every > 0 ? setInterval(() => (pass ??= flywheelPass(deps).finally(() => (pass = null))), every) : null;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await pass;
      await worker?.stop();
    },
  };
}
