// The automatic flywheel: an account's due periods (after every N resolved sessions, every H hours), each run once across API instances.
import type { Database } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import type { Preferences } from '../settings.js';
import { readPreferences } from '../settings.js';
import { analyseAccount } from './flywheel.js';

/**
 * The periods due now. A period names its bucket, so it is the same string on every instance: the
 * N-th resolved session opens 'resolved:<count div N>', each H-hour slice of time 'every:<H>h:<slice>'.
 * An account with nothing resolved has nothing to analyse, so nothing is due.
 */
export function duePeriods(settings: Preferences['flywheel'], resolvedSessions: number, now: Date): string[] {
  if (resolvedSessions === 0) return [];
  const periods: string[] = [];
  const n = settings.afterResolvedSessions;
  if (n > 0 && resolvedSessions >= n) periods.push(`resolved:${Math.floor(resolvedSessions / n)}`);
  const h = settings.everyHours;
  if (h > 0) periods.push(`every:${h}h:${Math.floor(now.getTime() / (h * 3600_000))}`);
  return periods;
}

export interface FlywheelRunResult {
  /** Periods this call claimed (empty: nothing was due, or another instance had claimed them). */
  claimed: string[];
  proposals: number;
}

/**
 * Claims the account's due periods and, if it won any, runs one offline analysis for all of them.
 * The claim is an insert on (account, period): of several instances finding the same period due, one
 * insert wins. The claim commits before the analysis, so an instance that dies mid-run loses that
 * period (the next one picks the sessions up: they stay candidates until a proposal names them).
 */
export async function runDueFlywheel(db: Database, log: Logger, accountId: string, now = new Date()): Promise<FlywheelRunResult> {
  const claimed = await db.tenant({ accountId }, async (tx) => {
    const prefs = await readPreferences(tx);
    const [{ n }] = await tx<[{ n: number }]>`select count(*)::int as n from ai_sessions where status = 'resolved'`;
    const periods = duePeriods(prefs.flywheel, n, now);
    if (!periods.length) return [];
    const rows = await tx<{ period: string }[]>`
      insert into flywheel_runs (account_id, period)
      select ${accountId}, p from unnest(${periods}::text[]) as p
      on conflict (account_id, period) do nothing
      returning period`;
    return rows.map((r) => r.period);
  });
  if (!claimed.length) return { claimed, proposals: 0 };
  try {
    const r = await analyseAccount({ log, accountId, userId: null, minClusterSize: 3, tenant: (fn) => db.tenant({ accountId }, fn) });
    await db.tenant({ accountId }, (tx) => tx`
      update flywheel_runs set finished_at = now(), proposals = ${r.proposals.length} where period = any(${claimed}::text[])`);
    if (r.proposals.length) log.info('flywheel proposed flows', { account: accountId, periods: claimed, proposals: r.proposals.length });
    return { claimed, proposals: r.proposals.length };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.tenant({ accountId }, (tx) => tx`
      update flywheel_runs set finished_at = now(), error = ${message.slice(0, 500)} where period = any(${claimed}::text[])`);
    throw err;
  }
}
