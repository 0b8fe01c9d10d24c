// The team page's API: who is unmapped to a ConnectWise member, and the live redaction tester (RE2 rules, nothing stored).
import { describe, expect, it } from 'vitest';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld({ resetEach: false });

describe('GET /v1/team', () => {
  it('lists users with role, state and member, and names the active workers nobody mapped', async () => {
    const admin = await world.connectedAccount('team');
    const mapped = await world.ctx.addUser(admin, 'engineer', 'Mapped');
    const unmapped = await world.ctx.addUser(admin, 'engineer', 'Unmapped');
    const gone = await world.ctx.addUser(admin, 'engineer', 'Gone');
    const viewer = await world.ctx.addUser(admin, 'viewer', 'Viewer');
    const map = await world.ctx.request('PUT', '/v1/settings/psa/members', { token: admin.token, body: { autoMatch: false, mappings: [{ userId: mapped.userId, memberIdentifier: 'asmith' }] } });
    expect(map.status, map.text).toBe(200);
    expect((await world.ctx.request('PATCH', `/v1/users/${gone.userId}`, { token: admin.token, body: { disabled: true } })).status).toBe(200);

    const res = await world.ctx.request('GET', '/v1/team', { token: viewer.token });
    expect(res.status).toBe(200);
    expect(res.body.unmapped.sort()).toEqual([admin.userId, unmapped.userId].sort());
    const byName = Object.fromEntries(res.body.users.map((u: { name: string }) => [u.name, u]));
    expect(byName.Mapped).toMatchObject({ role: 'engineer', disabled: false, member: { identifier: 'asmith', matchedBy: 'manual' } });
    expect(byName.Gone).toMatchObject({ disabled: true, member: null });
    expect(byName.Viewer).toMatchObject({ role: 'viewer', member: null });
    expect(res.body.users.at(-1).name).toBe('Gone'); // disabled users last
  });
});

describe('POST /v1/settings/redaction/test', () => {
  const text = 'Reset svc_qb password: Hunter2!Qb for customer CUST-004211 (Project Falcon).';

  it('redacts with the account’s rules or the rules being tried, and says where each spot is on both sides', async () => {
    const admin = await world.ctx.register('redact-test');
    const eng = await world.ctx.addUser(admin, 'engineer');
    const builtIn = await world.ctx.request('POST', '/v1/settings/redaction/test', { token: eng.token, body: { text } });
    expect(builtIn.status, builtIn.text).toBe(200);
    expect(builtIn.body.text).not.toContain('Hunter2!Qb');
    expect(builtIn.body.text).toContain('CUST-004211');

    const tried = await world.ctx.request('POST', '/v1/settings/redaction/test', { token: eng.token, body: { text, rules: { patterns: ['CUST-\\d{6}'], words: ['Project Falcon'] } } });
    expect(tried.status, tried.text).toBe(200);
    expect(tried.body.text).toBe('Reset svc_qb password: [redacted password] for customer [redacted account pattern] ([redacted account word]).');
    expect(tried.body.spots.map((s: { start: number; end: number }) => text.slice(s.start, s.end))).toEqual(['Hunter2!Qb', 'CUST-004211', 'Project Falcon']);
    for (const s of tried.body.spots) expect(tried.body.text.slice(s.redactedStart, s.redactedEnd)).toBe(`[redacted ${s.kind}]`);

    // Trying rules stores nothing; saved rules apply when none are given.
    expect((await world.ctx.request('GET', '/v1/settings', { token: eng.token })).body.settings.redaction).toEqual({ patterns: [], words: [] });
    expect((await world.ctx.request('PUT', '/v1/settings', { token: admin.token, body: { redaction: { words: ['falcon'] } } })).status).toBe(200);
    const saved = await world.ctx.request('POST', '/v1/settings/redaction/test', { token: eng.token, body: { text } });
    expect(saved.body.text).toContain('Project [redacted account word]');
    expect(saved.body.text).toContain('CUST-004211');
  });

  it('refuses a pattern RE2 cannot run, with the reason; viewers cannot use it', async () => {
    const admin = await world.ctx.register('redact-test-bad');
    const bad = await world.ctx.request('POST', '/v1/settings/redaction/test', { token: admin.token, body: { text, rules: { patterns: ['(?=secret)\\w+'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/rules\.patterns\.0.*lookahead/);
    expect((await world.ctx.request('POST', '/v1/settings/redaction/test', { token: admin.token, body: { text: '' } })).status).toBe(400);
    const viewer = await world.ctx.addUser(admin, 'viewer');
    expect((await world.ctx.request('POST', '/v1/settings/redaction/test', { token: viewer.token, body: { text } })).status).toBe(403);
    // What was typed into the tester never reaches the logs.
    expect(world.ctx.logs.some((l) => l.includes('Hunter2!Qb'))).toBe(false);
  });
});
