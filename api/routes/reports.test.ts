// Reports on the real database (and the ConnectWise simulator for posted notes): the figures, their periods, and who may see whose.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Registered } from '../test/harness.js';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld();

/** A usage row as the AI layer records it, back-dated (the owner connection writes history). */
async function usage(who: Registered, at: string, tier: string | null, feature: string, input: number, output: number, cost: number) {
  await world.ctx.owner`
    insert into ai_usage (account_id, user_id, feature, tier, routed_tier, provider, model, outcome, input_tokens, output_tokens, cost_usd, created_at)
    values (${who.accountId}, ${who.userId}, ${feature}, ${tier}, ${tier}, ${tier ? 'anthropic' : 'voyage'}, 'm', 'ok', ${input}, ${output}, ${cost}, ${at})`;
}

describe('/v1/reports', () => {
  it('usage: tokens and cost per month and tier; an engineer sees their own, a team admin everyone', async () => {
    const admin = await world.ctx.register('rep-usage');
    const eng = await world.ctx.addUser(admin, 'engineer');
    await usage(admin, '2026-10-03T10:00:00Z', 'deep', 'suggest', 1000, 200, 0.006);
    await usage(eng, '2026-10-20T10:00:00Z', 'deep', 'suggest', 500, 100, 0.003);
    await usage(eng, '2026-10-21T10:00:00Z', 'fast', 'suggest', 300, 50, 0.0005);
    await usage(eng, '2026-11-02T10:00:00Z', null, 'embedding', 40, 0, 0.00001);
    await usage(eng, '2026-08-02T10:00:00Z', 'fast', 'suggest', 9, 9, 1); // outside the range asked for

    const all = await world.ctx.request('GET', '/v1/reports/usage?from=2026-09-01&to=2026-11-30', { token: admin.token });
    expect(all.status, all.text).toBe(200);
    expect(all.body.months).toEqual([
      { month: '2026-10', tier: 'deep', calls: 2, inputTokens: 1500, outputTokens: 300, costUsd: 0.009 },
      { month: '2026-10', tier: 'fast', calls: 1, inputTokens: 300, outputTokens: 50, costUsd: 0.0005 },
      { month: '2026-11', tier: 'embedding', calls: 1, inputTokens: 40, outputTokens: 0, costUsd: 0.00001 },
    ]);
    const mine = await world.ctx.request('GET', '/v1/reports/usage?from=2026-09-01&to=2026-11-30', { token: eng.token });
    expect(mine.body.userId).toBe(eng.userId);
    expect(mine.body.months.find((m: { tier: string }) => m.tier === 'deep')).toMatchObject({ calls: 1, inputTokens: 500 });
    const oneEngineer = await world.ctx.request('GET', `/v1/reports/usage?from=2026-09-01&to=2026-11-30&userId=${admin.userId}`, { token: admin.token });
    expect(oneEngineer.body.months).toEqual([{ month: '2026-10', tier: 'deep', calls: 1, inputTokens: 1000, outputTokens: 200, costUsd: 0.006 }]);

    const peek = await world.ctx.request('GET', `/v1/reports/usage?userId=${admin.userId}`, { token: eng.token });
    expect(peek.status).toBe(403);
    expect(peek.body.error.message).toMatch(/own figures/);
    expect((await world.ctx.request('GET', '/v1/reports/usage?from=2026-12-01&to=2026-01-01', { token: admin.token })).status).toBe(400);
    expect((await world.ctx.request('GET', '/v1/reports/usage?from=2020-01-01&to=2026-01-01', { token: admin.token })).status).toBe(400);
    expect((await world.ctx.request('GET', '/v1/reports/usage?from=2026-02-30', { token: admin.token })).status).toBe(400);
  });

  it('engineers: sessions resolved and escalated and minutes logged, per engineer per ISO week', async () => {
    const admin = await world.ctx.register('rep-weeks');
    const ann = await world.ctx.addUser(admin, 'engineer', 'Ann');
    const bob = await world.ctx.addUser(admin, 'engineer', 'Bob');
    const close = async (who: Registered, how: 'resolve' | 'escalate', endedAt: string) => {
      const s = await world.ctx.openSession(who);
      const r = how === 'resolve'
        ? await world.ctx.request('POST', `/v1/sessions/${s.id}/resolve`, { token: who.token, body: {} })
        : await world.ctx.request('POST', `/v1/sessions/${s.id}/escalate`, { token: who.token, body: { reason: 'Needs the vendor' } });
      expect(r.status, r.text).toBeLessThan(300);
      await world.ctx.owner`update ai_sessions set ended_at = ${endedAt} where id = ${s.id}`;
      return s.id as string;
    };
    // Week of Monday 2026-11-02: Ann resolves two and escalates one; Bob resolves one the next week.
    const a1 = await close(ann, 'resolve', '2026-11-02T09:00:00Z');
    const a2 = await close(ann, 'resolve', '2026-11-08T23:00:00Z');
    await close(ann, 'escalate', '2026-11-04T12:00:00Z');
    await close(bob, 'resolve', '2026-11-09T08:00:00Z');
    // Time Ann logged to ConnectWise that week (as the time-entry service records it); a pending entry does not count.
    await world.ctx.owner`
      insert into psa_time_entries (account_id, session_id, ticket_external_id, ref, minutes, time_start, time_end, notes, billable_option, member_identifier, status, external_entry_id, logged_at, created_by)
      values (${admin.accountId}, ${a1}, '1', ${randomBytes(5).toString('hex').toUpperCase()}, 45, '2026-11-03T10:00:00Z', '2026-11-03T10:45:00Z', 'n', 'Billable', 'ann', 'logged', '77', now(), ${ann.userId}),
             (${admin.accountId}, ${a2}, '1', ${randomBytes(5).toString('hex').toUpperCase()}, 30, '2026-11-03T14:00:00Z', '2026-11-03T14:30:00Z', 'n', 'Billable', 'ann', 'pending', null, null, ${ann.userId})`;

    const res = await world.ctx.request('GET', '/v1/reports/engineers?from=2026-11-01&to=2026-11-15', { token: admin.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.weeks).toEqual([
      { userId: ann.userId, name: 'Ann', week: '2026-11-02', resolved: 2, escalated: 1, minutesLogged: 45 },
      { userId: bob.userId, name: 'Bob', week: '2026-11-09', resolved: 1, escalated: 0, minutesLogged: 0 },
    ]);
    const bobs = await world.ctx.request('GET', '/v1/reports/engineers?from=2026-11-01&to=2026-11-15', { token: bob.token });
    expect(bobs.body.weeks).toEqual([{ userId: bob.userId, name: 'Bob', week: '2026-11-09', resolved: 1, escalated: 0, minutesLogged: 0 }]);
  });

  it('documentation time: measured from the accepted fix to the note posted to ConnectWise, only where both happened', async () => {
    const admin = await world.connectedAccount('rep-doc');
    const withFix = async (externalId: string, decision: 'accept' | 'reject') => {
      const s = await world.ctx.openSession(admin, { externalId, summary: 'Outlook keeps asking for a password' });
      const fix = await world.ctx.request('POST', `/v1/sessions/${s.id}/fixes`, { token: admin.token, body: { title: 'Recreate the Outlook profile' } });
      expect((await world.ctx.request('POST', `/v1/sessions/${s.id}/fixes/${fix.body.fix.id}/${decision}`, { token: admin.token })).status).toBeLessThan(300);
      return s.id as string;
    };
    const post = async (id: string) => {
      const r = await world.ctx.request('POST', `/v1/sessions/${id}/resolution-note/post`, { token: admin.token, body: { text: 'Problem\nOutlook prompts.\n\nResolution\nRecreated the profile.' } });
      expect(r.status, r.text).toBe(201);
    };
    const measured = await withFix('184201', 'accept');
    await post(measured);
    await withFix('184202', 'accept'); // accepted, never posted: not measured
    const rejected = await withFix('184203', 'reject');
    await post(rejected);

    const res = await world.ctx.request('GET', '/v1/reports/documentation-time', { token: admin.token });
    expect(res.status, res.text).toBe(200);
    expect(res.body.tickets.map((t: { sessionId: string }) => t.sessionId)).toEqual([measured]);
    const t = res.body.tickets[0];
    const [row] = await world.ctx.owner<[{ decided_at: Date; posted: Date }]>`
      select f.decided_at, s.resolution_note_posted_at as posted from session_suggested_fixes f join ai_sessions s on s.id = f.session_id where s.id = ${measured}`;
    expect(t).toMatchObject({ ticketExternalId: '184201', fixAcceptedAt: row.decided_at.toISOString(), notePostedAt: row.posted.toISOString(), engineer: 'rep-doc Admin' });
    expect(t.seconds).toBe(Math.round((row.posted.getTime() - row.decided_at.getTime()) / 1000));

    // Back-date the accept to make the figure visible: 17 minutes between the fix and the posted note.
    await world.ctx.owner`update session_suggested_fixes set decided_at = ${new Date(row.posted.getTime() - 17 * 60_000)} where session_id = ${measured}`;
    const again = await world.ctx.request('GET', '/v1/reports/documentation-time', { token: admin.token });
    expect(again.body.tickets[0].seconds).toBe(1020);
    expect(again.body.summary).toEqual({ tickets: 1, medianSeconds: 1020, p90Seconds: 1020, averageSeconds: 1020 });
    const viewer = await world.ctx.addUser(admin, 'viewer');
    expect((await world.ctx.request('GET', '/v1/reports/documentation-time', { token: viewer.token })).body.tickets).toEqual([]);
  });
});
