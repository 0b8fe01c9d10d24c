// GET /v1/search: one ranked list over flows, resolved sessions and script templates, per account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullTextSearch } from '../services/search.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let admin: Registered;
let resolvedId: string;
let openId: string;
let ticket: string;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('search');
  const s = await t.openSession(admin, { summary: 'QuickBooks database server manager not starting after Windows update', description: 'QBDBMgrN service stops. Admin pw: Qb!Secret99' });
  ticket = s.ticket.externalId;
  await t.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'command', text: 'Restart-Service QuickBooksDB34 -Force' } });
  await t.request('POST', `/v1/sessions/${s.id}/resolve`, { token: admin.token, body: { rootCause: 'The Windows update reset the QuickBooks database service logon account' } });
  resolvedId = s.id;
  const draft = (await t.request('GET', '/v1/draft-templates', { token: admin.token })).body.drafts[0];
  await t.request('POST', `/v1/draft-templates/${draft.id}/approve`, { token: admin.token, body: { name: 'Restart the QuickBooks database service', tags: ['quickbooks'] } });
  openId = (await t.openSession(admin, { summary: 'QuickBooks license error on workstation 4' })).id;
});
afterAll(() => t.close());

describe('search', () => {
  it('finds the resolved session and the script by words, ranked, with snippets', async () => {
    const res = await t.request('GET', '/v1/search?q=quickbooks%20database', { token: admin.token });
    expect(res.status).toBe(200);
    const types = res.body.hits.map((h: { type: string }) => h.type);
    expect(types).toContain('session');
    expect(types).toContain('script');
    const session = res.body.hits.find((h: { type: string }) => h.type === 'session');
    expect(session).toMatchObject({ id: resolvedId, title: `#${ticket}: QuickBooks database server manager not starting after Windows update` });
    expect(session.snippet).toMatch(/«QuickBooks»|«database»/);
    const ranks = res.body.hits.map((h: { rank: number }) => h.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(ranks.every((r: number) => r > 0 && r < 1)).toBe(true);
    // An open session is not searchable knowledge yet.
    expect(res.body.hits.map((h: { id: string }) => h.id)).not.toContain(openId);
    expect(res.text).not.toContain('Qb!Secret99');
  });

  it('finds flows, by prefix as you type, and by ticket number', async () => {
    const vpn = await t.request('GET', '/v1/search?q=vpn%20drop', { token: admin.token });
    expect(vpn.body.hits[0]).toMatchObject({ type: 'flow', title: 'VPN will not connect or keeps dropping' });
    const prefix = await t.request('GET', '/v1/search?q=onboard', { token: admin.token });
    expect(prefix.body.hits[0].title).toBe('New user onboarding');
    const byNumber = await t.request('GET', `/v1/search?q=${ticket}`, { token: admin.token });
    expect(byNumber.body.hits[0].id).toBe(resolvedId);
  });

  it('narrows by type and validates the query', async () => {
    const scripts = await t.request('GET', '/v1/search?q=quickbooks&type=script', { token: admin.token });
    expect(scripts.body.hits.map((h: { type: string }) => h.type)).toEqual(['script']);
    expect((await t.request('GET', '/v1/search?q=', { token: admin.token })).status).toBe(400);
    expect((await t.request('GET', '/v1/search?q=x&type=emails', { token: admin.token })).status).toBe(400);
    expect((await t.request('GET', '/v1/search?q=%26%7C!()', { token: admin.token })).body.hits).toEqual([]);
  });

  it('is tenant-scoped', async () => {
    const stranger = await t.register('stranger');
    const res = await t.request('GET', '/v1/search?q=quickbooks', { token: stranger.token });
    expect(res.body.hits).toEqual([]);
    const direct = await t.db.tenant({ accountId: stranger.accountId }, (tx) => fullTextSearch(tx, 'quickbooks'));
    expect(direct).toEqual([]);
  });
});
