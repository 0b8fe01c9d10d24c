// The "scripts waiting for review" badge: a count of the account's pending drafts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('GET /v1/draft-templates/count', () => {
  it('counts the drafts a resolve produced, drops as they are reviewed, and sees only the account\'s own', async () => {
    const admin = await ctx.register('badge');
    const viewer = await ctx.addUser(admin, 'viewer');
    expect((await ctx.request('GET', '/v1/draft-templates/count', { token: admin.token })).body).toEqual({ pending: 0 });
    const s = await ctx.openSession(admin);
    for (const text of ['Get-Service QuickBooksDB34 | Restart-Service', 'ipconfig /flushdns']) {
      await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: admin.token, body: { kind: 'command', text } });
    }
    const resolved = await ctx.request('POST', `/v1/sessions/${s.id}/resolve`, { token: admin.token, body: {} });
    expect(resolved.body.drafts).toHaveLength(2);
    expect((await ctx.request('GET', '/v1/draft-templates/count', { token: viewer.token })).body).toEqual({ pending: 2 });

    expect((await ctx.request('POST', `/v1/draft-templates/${resolved.body.drafts[0].id}/dismiss`, { token: admin.token })).status).toBe(200);
    expect((await ctx.request('GET', '/v1/draft-templates/count', { token: admin.token })).body).toEqual({ pending: 1 });
    const list = await ctx.request('GET', '/v1/draft-templates', { token: admin.token });
    expect(list.body.pendingCount).toBe(1);

    const other = await ctx.register('badge-other');
    expect((await ctx.request('GET', '/v1/draft-templates/count', { token: other.token })).body).toEqual({ pending: 0 });
    expect((await ctx.request('GET', '/v1/draft-templates/count')).status).toBe(401);
  });
});
