// Share links against the real app and database: stored, listable, revocable, dead with their creator, and a snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let admin: Registered;
let engineer: Registered;
let other: Registered;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('share');
  engineer = await t.addUser(admin, 'engineer');
  other = await t.addUser(admin, 'engineer');
});
afterAll(() => t?.close());

const pathOf = (url: string) => new URL(url).pathname;

async function share(who: Registered, sessionId: string, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/v1/sessions/${sessionId}/share`, { token: who.token, body });
  expect(res.status).toBe(201);
  return { path: pathOf(res.body.url as string), id: res.body.share?.id as string };
}

describe('share links', () => {
  it('show a snapshot taken when the link was made: facts added later do not appear', async () => {
    const s = await t.openSession(engineer, { summary: 'Mapped drive missing' });
    await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: engineer.token, body: { text: 'Drive S: maps only after a reboot', sourceRef: 'ticket' } });
    const link = await share(engineer, s.id);
    const before = await t.request('GET', link.path);
    expect(before.status).toBe(200);
    expect(before.body.note.text).toContain('Drive S: maps only after a reboot');

    await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: engineer.token, body: { text: 'Customer VIP list lives on \\\\fs02\\hr-private', sourceRef: 'ticket' } });
    // The engineer's own preview has the new fact; the shared view does not.
    const own = await t.request('GET', `/v1/sessions/${s.id}/resolution-note?format=markdown`, { token: engineer.token });
    expect(own.body.note.text).toContain('hr-private');
    for (const format of ['markdown', 'text', 'html']) {
      const after = await t.request('GET', `${link.path}?format=${format}`);
      expect(after.status).toBe(200);
      expect(after.body.note.format).toBe(format);
      expect(after.text).not.toContain('hr-private');
      expect(after.body.note.text).toContain('maps only after a reboot');
    }
    expect(before.body.readOnly).toBe(true);
  });

  it('can be revoked by their creator or a team admin, and a revoked link is gone', async () => {
    const s = await t.openSession(engineer, { summary: 'Printer offline' });
    const mine = await share(engineer, s.id);
    const second = await share(engineer, s.id);
    expect((await t.request('GET', mine.path)).status).toBe(200);
    // Another engineer cannot revoke it (it is not theirs): 404, and it keeps working.
    expect((await t.request('DELETE', `/v1/sessions/${s.id}/shares/${mine.id}`, { token: other.token })).status).toBe(404);
    expect((await t.request('GET', mine.path)).status).toBe(200);

    const revoked = await t.request('DELETE', `/v1/sessions/${s.id}/shares/${mine.id}`, { token: engineer.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.share).toMatchObject({ id: mine.id, active: false });
    const dead = await t.request('GET', mine.path);
    expect(dead.status).toBe(410);
    expect(dead.body.error.code).toBe('share_link_revoked');
    expect(dead.text).not.toContain('Printer');

    expect((await t.request('DELETE', `/v1/sessions/${s.id}/shares/${second.id}`, { token: admin.token })).status).toBe(200);
    expect((await t.request('GET', second.path)).status).toBe(410);
  });

  it('stop working when their creator is disabled', async () => {
    const leaver = await t.addUser(admin, 'engineer');
    const s = await t.openSession(leaver, { summary: 'VPN drops' });
    const link = await share(leaver, s.id);
    expect((await t.request('GET', link.path)).status).toBe(200);
    expect((await t.request('PATCH', `/v1/users/${leaver.userId}`, { token: admin.token, body: { disabled: true } })).status).toBe(200);
    const dead = await t.request('GET', link.path);
    expect(dead.status).toBe(410);
    expect(dead.body.error.message).toMatch(/no longer has access/);
  });

  it('are minted by engineers and up, never by viewers', async () => {
    const viewer = await t.addUser(admin, 'viewer');
    const s = await t.openSession(engineer, { summary: 'Slow laptop' });
    const res = await t.request('POST', `/v1/sessions/${s.id}/share`, { token: viewer.token, body: {} });
    expect(res.status).toBe(403);
    const [{ n }] = await t.owner<[{ n: number }]>`select count(*)::int as n from share_links where session_id = ${s.id}`;
    expect(n).toBe(0);
  });

  it('are listed to their creator (their own) and to team admins (all), without the token', async () => {
    const s = await t.openSession(engineer, { summary: 'Outlook prompts' });
    const a = await share(engineer, s.id);
    const b = await share(other, s.id, { expiresInHours: 1 });
    const mine = await t.request('GET', `/v1/sessions/${s.id}/shares`, { token: engineer.token });
    expect(mine.status).toBe(200);
    expect(mine.body.shares.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect(mine.body.shares[0]).toMatchObject({ sessionId: s.id, createdBy: { id: engineer.userId, name: 'engineer' }, revokedAt: null, active: true });
    const all = await t.request('GET', `/v1/sessions/${s.id}/shares`, { token: admin.token });
    expect(all.body.shares.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id].sort());
    for (const p of [a.path, b.path]) expect(all.text).not.toContain(p.split('/').pop()!);
    // Another account sees no such session.
    const stranger = await t.register('stranger');
    expect((await t.request('GET', `/v1/sessions/${s.id}/shares`, { token: stranger.token })).status).toBe(404);
  });

  it('stores only a hash of the token, and refuses a forged or altered one', async () => {
    const s = await t.openSession(engineer, { summary: 'Backup failed' });
    const link = await share(engineer, s.id);
    const token = link.path.split('/').pop()!;
    expect(token).toMatch(/^fpsl_[0-9a-f]{32}_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.owner`select * from share_links where id = ${link.id}`;
    // The random part is base64url and may itself hold '_': take all of it.
    expect(JSON.stringify(row)).not.toContain(token.split('_').slice(3).join('_'));
    const altered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await t.request('GET', `/v1/shared/${altered}`)).status).toBe(401);
    // The same link id under another account's id finds nothing (that tenant has no such row).
    const stranger = await t.register('forger');
    const forged = token.replace(/^fpsl_[0-9a-f]{32}/, `fpsl_${stranger.accountId.replace(/-/g, '')}`);
    expect((await t.request('GET', `/v1/shared/${forged}`)).status).toBe(401);
  });
});
