// Background work the API process runs for the AI layer: draining embedding jobs (with a Voyage key) and a periodic offline flywheel pass.
import type { Deps } from '../../deps.js';
import { startEmbeddingWorker, type WorkerHandle } from './embeddings.js';
import { analyseAccount } from './flywheel.js';

export interface BackgroundOptions {
  /** How often every account's resolved sessions are clustered into proposals (default 6 h; 0 = never). */
  flywheelIntervalMs?: number;
}

/**
 * The periodic flywheel pass is offline on purpose: it is cheap and deterministic, and several API
 * instances running it at once only cost CPU (a per-account lock stops duplicate proposals).
 * Model-written proposals come from an admin's explicit POST /v1/flow-proposals/analyse.
 */
export async function flywheelPass(deps: Pick<Deps, 'db' | 'log'>): Promise<number> {
  const accounts = await deps.db.sql<{ account_id: string }[]>`select distinct account_id from login_directory`;
  let created = 0;
  for (const { account_id: accountId } of accounts) {
    try {
      const r = await analyseAccount({ log: deps.log, accountId, userId: null, minClusterSize: 3, tenant: (fn) => deps.db.tenant({ accountId }, fn) });
      created += r.proposals.length;
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
  const every = opts.flywheelIntervalMs ?? 6 * 3600_000;
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
