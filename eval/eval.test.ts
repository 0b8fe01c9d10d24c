// A slice of `npm run eval` (three categories), on a throwaway database of its own as `npm run eval` runs, so the
// evaluation cannot rot unnoticed (and its seeded sessions stay out of the shared test database's queues).
import { describe, expect, it } from 'vitest';
import { createThrowawayDatabase } from '../api/test/database.js';
import { formatReport, loadEvalSet, runEval, summarise } from './lib.js';

describe('npm run eval (a slice)', () => {
  it('scores the offline copilot and similar-resolution search on real sessions and prints the table', async () => {
    const all = loadEvalSet();
    expect(all.tickets.length).toBeGreaterThanOrEqual(40);
    expect(new Set(all.tickets.map((t) => t.id)).size).toBe(all.tickets.length);
    const keep = new Set(['outlook-password', 'printer', 'backup']);
    const set = { ...all, tickets: all.tickets.filter((t) => keep.has(t.category)) };
    const db = await createThrowawayDatabase('evalslice');
    const report = await runEval({ appUrl: db.appUrl, set }).finally(() => db.drop());

    expect(report.offline.map((r) => r.id)).toEqual(set.tickets.map((t) => t.id));
    expect(report.model).toBeNull();
    const s = summarise('slice', report.offline);
    // Secrets written into tickets never come back; facts the rules find are in the ticket.
    expect(s.secretsAbsent).toBe('100%');
    expect(s.grounded).toBe('100%');
    // Each ticket's fix can only come from another ticket of its kind: most should still be found.
    expect(report.offline.filter((r) => r.fixFound).length).toBeGreaterThanOrEqual(set.tickets.length / 2);
    const p3 = report.offline.map((r) => r.precisionAt3!);
    expect(p3.reduce((a, b) => a + b, 0) / p3.length).toBeGreaterThan(0.5);

    const table = formatReport(report);
    expect(table).toMatch(/\| offline copilot \| 12 \|/);
    expect(table).toContain('precision@3');
  });
});
