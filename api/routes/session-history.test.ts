// Session history: search by ticket, company, engineer, status and dates, page by page; the read-only view with its note and share links.
import { describe, expect, it } from 'vitest';
import type { Registered } from '../test/harness.js';
import { connectedWorld } from '../test/world.js';

const world = connectedWorld({ resetEach: false });

const ids = (res: { body: { sessions: { id: string }[] } }) => res.body.sessions.map((s) => s.id);

describe('/v1/session-history', () => {
  it('filters by ticket, company, engineer, status, words and dates, and pages without gaps or repeats', async () => {
    const admin = await world.ctx.register('hist');
    const ann = await world.ctx.addUser(admin, 'engineer', 'Ann');
    const viewer = await world.ctx.addUser(admin, 'viewer');
    const open = async (who: Registered, externalId: string, summary: string, company: string, createdAt: string) => {
      const s = await world.ctx.openSession(who, { externalId, summary, company });
      await world.ctx.owner`update ai_sessions set created_at = ${createdAt} where id = ${s.id}`;
      return s.id as string;
    };
    const s1 = await open(admin, '500101', 'Outlook keeps asking for a password', 'Contoso Dental', '2026-11-02T10:00:00Z');
    const s2 = await open(ann, '500102', 'Printer offline on 2nd floor', 'Northwind Law', '2026-11-03T10:00:00Z');
    const s3 = await open(ann, '500203', 'VPN drops every hour', 'Contoso Dental', '2026-11-10T10:00:00Z');
    expect((await world.ctx.request('POST', `/v1/sessions/${s2}/resolve`, { token: ann.token, body: {} })).status).toBeLessThan(300);

    const get = (query: string) => world.ctx.request('GET', `/v1/session-history?${query}`, { token: viewer.token });
    expect(ids(await get(''))).toEqual([s3, s2, s1]);
    expect(ids(await get('ticket=500102'))).toEqual([s2]);
    expect(ids(await get('company=contoso'))).toEqual([s3, s1]);
    expect(ids(await get(`engineer=${ann.userId}`))).toEqual([s3, s2]);
    expect(ids(await get('status=resolved'))).toEqual([s2]);
    expect(ids(await get('status=active,paused'))).toEqual([s3, s1]);
    expect(ids(await get('from=2026-11-03&to=2026-11-09'))).toEqual([s2]);
    expect(ids(await get('q=vpn'))).toEqual([s3]);
    expect(ids(await get('q=5001'))).toEqual([s2, s1]);
    expect(ids(await get('q=outlook contoso'))).toEqual([s1]);
    expect(ids(await get('company=100%25'))).toEqual([]); // a literal %, not a wildcard
    const row = (await get('ticket=500203')).body.sessions[0];
    expect(row).toMatchObject({ engineer: 'Ann', status: 'active', ticket: { externalId: '500203', company: 'Contoso Dental' } });

    const first = await get('limit=2');
    expect(ids(first)).toEqual([s3, s2]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual([s1]);
    expect(second.body.nextCursor).toBeNull();

    expect((await get('status=closed')).status).toBe(400);
    expect((await get('cursor=not-a-cursor')).status).toBe(400);
    expect((await get('from=2026-11-09&to=2026-11-01')).status).toBe(400);
    expect((await get('engineer=ann')).status).toBe(400);
    const other = await world.ctx.register('hist-other');
    expect((await world.ctx.request('GET', '/v1/session-history', { token: other.token })).body.sessions).toEqual([]);
  });

  it('opens any session read-only with the note that was posted and its share links', async () => {
    const admin = await world.connectedAccount('hist-view');
    const s = await world.ctx.openSession(admin, { externalId: '184204', summary: 'Mapped drive missing after login' });
    await world.ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: admin.token, body: { text: 'Drive S: maps to \\\\fs01\\shared' } });
    const preview = await world.ctx.request('GET', `/v1/session-history/${s.id}`, { token: admin.token });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.note).toMatchObject({ kind: 'resolution', posted: false, text: expect.stringContaining('fs01') });

    const text = 'Problem\nMapped drive missing.\n\nResolution\nRe-ran the logon script.';
    expect((await world.ctx.request('POST', `/v1/sessions/${s.id}/resolution-note/post`, { token: admin.token, body: { text } })).status).toBe(201);
    const share = await world.ctx.request('POST', `/v1/sessions/${s.id}/share`, { token: admin.token, body: {} });
    expect(share.status, share.text).toBe(201);

    const viewer = await world.ctx.addUser(admin, 'viewer');
    const view = await world.ctx.request('GET', `/v1/session-history/${s.id}`, { token: viewer.token });
    expect(view.status).toBe(200);
    expect(view.body.session).toMatchObject({ id: s.id, ticket: { externalId: '184204' }, facts: [expect.objectContaining({ text: expect.stringContaining('fs01') })] });
    expect(view.body.engineer).toBe('hist-view Admin');
    expect(view.body.note).toMatchObject({ kind: 'resolution', posted: true, externalId: expect.any(String), text: expect.stringContaining('Re-ran the logon script.') });
    expect(world.sim.data.notes.some((n) => String(n.id) === view.body.note.externalId)).toBe(true);
    // A viewer sees the links they made (none); the team admin sees every link.
    expect(view.body.shares).toEqual([]);
    const adminView = await world.ctx.request('GET', `/v1/session-history/${s.id}`, { token: admin.token });
    expect(adminView.body.shares).toHaveLength(1);
    expect(adminView.body.shares[0]).toMatchObject({ createdBy: { id: admin.userId }, active: true });

    const other = await world.ctx.register('hist-view-other');
    expect((await world.ctx.request('GET', `/v1/session-history/${s.id}`, { token: other.token })).status).toBe(404);
  });
});
