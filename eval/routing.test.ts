// The router over the whole eval set, through the real suggest pipeline: agreement with the set's tier labels may
// not fall below what the tuned thresholds reached (eval/README.md). A regression guard: it fails when a change to
// the router's features or thresholds routes fewer tickets the way a dispatcher would.
import { describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '../api/test/database.js';
import { TIER_THRESHOLDS, tierFor } from '../api/services/ai/router.js';
import { agreementAt, loadEvalSet, routingAgreement, routingConfusion, runEval } from './lib.js';

/** Measured after tuning: 33 of 48 tickets (eval/README.md). */
const TUNED_AGREEMENT = 33 / 48;

describe('routing on the eval set', () => {
  it('agrees with the set’s tier labels at least as often as the tuned thresholds did', async () => {
    const set = loadEvalSet();
    const db = await createThrowawayDatabase('evalroute');
    const report = await runEval({ appUrl: db.appUrl, set }).finally(() => db.drop());
    const rows = report.offline;
    expect(rows).toHaveLength(set.tickets.length);

    // The tier each ticket got is today's thresholds applied to its complexity: what the tuning reads is what routes.
    for (const r of rows) expect(r.routedTier, r.id).toBe(tierFor(r.complexity!));
    expect(agreementAt(rows, TIER_THRESHOLDS)).toBe(routingAgreement(rows));

    const m = routingConfusion(rows);
    expect(Object.values(m).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(set.tickets.length);
    expect(routingAgreement(rows)).toBeGreaterThanOrEqual(TUNED_AGREEMENT - 1e-9);
    // Cheap tickets stay cheap: most tickets a dispatcher answers from the flow are not sent to a model.
    expect(m.offline.offline / (m.offline.offline + m.offline.fast + m.offline.deep)).toBeGreaterThanOrEqual(0.75);
    // Escalations always reach the deep model.
    expect(m.deep.deep).toBe(m.deep.offline + m.deep.fast + m.deep.deep);
  });
});
