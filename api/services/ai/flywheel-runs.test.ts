// The flywheel runs by itself: after every N resolved sessions (and on its schedule), once per due period across instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { duePeriods, runDueFlywheel } from './flywheel-runs.js';

let one: TestContext;
let two: TestContext;
let admin: Registered;

beforeAll(async () => {
  // Two app instances: separate pools on one database, as two API processes would be.
  one = await createTestContext();
  two = await createTestContext();
  admin = await one.register('flywheel-auto');
});
afterAll(async () => {
  await one.close();
  await two.close();
});

async function resolvedTicket(summary: string, events: [string, string][], rootCause: string) {
  const s = await one.openSession(admin, { summary });
  for (const [kind, text] of events) expect((await one.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind, text } })).status).toBe(201);
  expect((await one.request('POST', `/v1/sessions/${s.id}/resolve`, { token: admin.token, body: { rootCause } })).status).toBeLessThan(300);
  return s as { id: string; ticket: { externalId: string } };
}

describe('due periods', () => {
  const at = new Date('2026-12-08T10:00:00Z');
  it('opens one bucket per N resolved sessions and one per H-hour slice, none with nothing resolved', () => {
    const s = { afterResolvedSessions: 3, everyHours: 0 };
    expect(duePeriods(s, 2, at)).toEqual([]);
    expect(duePeriods(s, 3, at)).toEqual(['resolved:1']);
    expect(duePeriods(s, 5, at)).toEqual(['resolved:1']);
    expect(duePeriods(s, 6, at)).toEqual(['resolved:2']);
    const daily = { afterResolvedSessions: 0, everyHours: 24 };
    expect(duePeriods(daily, 0, at)).toEqual([]);
    const today = duePeriods(daily, 1, at);
    expect(duePeriods(daily, 1, new Date('2026-12-08T23:59:59Z'))).toEqual(today);
    expect(duePeriods(daily, 1, new Date('2026-12-09T00:00:01Z'))).not.toEqual(today);
  });
});

describe('automatic flywheel', () => {
  it('runs once when the N-th session is resolved, whichever instance gets there first; lists its source sessions; dismiss keeps a reason', async () => {
    const put = await one.request('PUT', '/v1/settings', { token: admin.token, body: { flywheel: { afterResolvedSessions: 3, everyHours: 0 } } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.settings.flywheel).toEqual({ afterResolvedSessions: 3, everyHours: 0 });

    const a = await resolvedTicket('Scanner to email fails with SMTP auth error', [['observation', 'SMTP 535 authentication failed on the copier'], ['note', 'Reset the scan-to-email app password']], 'App password for the scanner mailbox expired');
    const b = await resolvedTicket('Copier scan to email SMTP authentication error', [['observation', 'SMTP 535 authentication failed'], ['note', 'Reset the scan-to-email app password']], 'Scanner mailbox app password expired');
    expect(await runDueFlywheel(one.db, one.deps.log, admin.accountId)).toEqual({ claimed: [], proposals: 0 });

    const c = await resolvedTicket('Scan to email stopped working, SMTP auth', [['observation', 'SMTP 535 authentication failed'], ['note', 'Reset the scan-to-email app password']], 'App password expired');
    const [r1, r2] = await Promise.all([runDueFlywheel(one.db, one.deps.log, admin.accountId), runDueFlywheel(two.db, two.deps.log, admin.accountId)]);
    const winners = [r1, r2].filter((r) => r.claimed.length);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toEqual({ claimed: ['resolved:1'], proposals: 1 });
    const runs = await one.owner`select period, proposals, finished_at from flywheel_runs where account_id = ${admin.accountId}`;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ period: 'resolved:1', proposals: 1 });
    expect(runs[0]!.finished_at).toBeInstanceOf(Date);
    // The period is spent: a later check does not run it again.
    expect((await runDueFlywheel(two.db, two.deps.log, admin.accountId)).claimed).toEqual([]);

    const list = await one.request('GET', '/v1/flow-proposals', { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.proposals).toHaveLength(1);
    const p = list.body.proposals[0];
    expect(p.title).toMatch(/scan|SMTP/i);
    expect(p.sources.map((s: { ticketExternalId: string }) => s.ticketExternalId).sort()).toEqual([a, b, c].map((s) => s.ticket.externalId).sort());
    expect(p.sources[0]).toMatchObject({ engineer: 'flywheel-auto Admin', company: 'Acme Dental' });

    expect((await one.request('POST', `/v1/flow-proposals/${p.id}/dismiss`, { token: admin.token, body: { reason: 'x'.repeat(501) } })).status).toBe(400);
    const engineer = await one.addUser(admin, 'engineer');
    expect((await one.request('POST', `/v1/flow-proposals/${p.id}/dismiss`, { token: engineer.token, body: { reason: 'no' } })).status).toBe(403);
    const dismissed = await one.request('POST', `/v1/flow-proposals/${p.id}/dismiss`, { token: admin.token, body: { reason: 'We replace these copiers next month' } });
    expect(dismissed.status, dismissed.text).toBe(200);
    expect(dismissed.body.proposal).toMatchObject({ status: 'dismissed', dismissReason: 'We replace these copiers next month' });
    const gone = await one.request('GET', '/v1/flow-proposals?status=dismissed', { token: admin.token });
    expect(gone.body.proposals[0]).toMatchObject({ id: p.id, dismissReason: 'We replace these copiers next month' });
  });
});
