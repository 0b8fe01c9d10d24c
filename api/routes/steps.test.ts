// The step library over HTTP on the real database: add, search, rate and review, use in a flow, roles and tenancy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphProblems } from '../services/flows/index.js';
import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx.close());

const dnsStep = {
  node: { id: 'flush_dns', kind: 'action', title: 'Flush the DNS cache', body: 'Clears stale records after a DNS change.', command: 'ipconfig /flushdns', options: [{ id: 'ok', label: 'Resolved', next: 'somewhere' }, { id: 'no', label: 'Still failing' }] },
  description: 'Use when a site moved hosts and one PC still reaches the old address.',
  tags: ['DNS', 'network'],
};
const spoolerStep = {
  node: { id: 'restart_spooler', kind: 'action', title: 'Restart the print spooler', command: 'Restart-Service Spooler', options: [{ id: 'ok', label: 'Printing again' }] },
  tags: ['printing'],
};

describe('/v1/step-library', () => {
  it('engineers add steps, search them, rate with a review (once each) and insert one into a flow', async () => {
    const admin = await ctx.register('steps');
    const eng = await ctx.addUser(admin, 'engineer', 'Ann');
    const viewer = await ctx.addUser(admin, 'viewer');

    const created = await ctx.request('POST', '/v1/step-library', { token: eng.token, body: dnsStep });
    expect(created.status, created.text).toBe(201);
    const dns = created.body.step;
    expect(dns).toMatchObject({ title: 'Flush the DNS cache', kind: 'action', tags: ['dns', 'network'], authorName: 'Ann', rating: { average: null, count: 0, mine: null } });
    // A library node leads nowhere until the editor connects it.
    expect(dns.node.options.map((o: { next: unknown }) => o.next)).toEqual([null, null]);
    const spooler = (await ctx.request('POST', '/v1/step-library', { token: admin.token, body: spoolerStep })).body.step;

    expect((await ctx.request('POST', '/v1/step-library', { token: viewer.token, body: dnsStep })).status).toBe(403);
    const invalid = await ctx.request('POST', '/v1/step-library', { token: eng.token, body: { node: { ...dnsStep.node, kind: 'teleport' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/node\.kind/);

    // Search: full text over title, tags, body and command (prefix as you type), a tag filter.
    const search = async (query: string) => (await ctx.request('GET', `/v1/step-library?${query}`, { token: viewer.token })).body.steps.map((s: { id: string }) => s.id);
    expect(await search('q=ipconf')).toEqual([dns.id]);
    expect(await search('q=spooler')).toEqual([spooler.id]);
    expect(await search('tag=printing')).toEqual([spooler.id]);
    expect(await search('q=stale+records')).toEqual([dns.id]);

    // Ratings: one per user (rating again replaces it); the average and my rating show; viewers cannot rate.
    expect((await ctx.request('PUT', `/v1/step-library/${dns.id}/rating`, { token: viewer.token, body: { rating: 5 } })).status).toBe(403);
    expect((await ctx.request('PUT', `/v1/step-library/${dns.id}/rating`, { token: eng.token, body: { rating: 6 } })).status).toBe(400);
    await ctx.request('PUT', `/v1/step-library/${dns.id}/rating`, { token: eng.token, body: { rating: 3, review: 'ok' } });
    const rerated = await ctx.request('PUT', `/v1/step-library/${dns.id}/rating`, { token: eng.token, body: { rating: 5, review: 'Fixed three tickets this week' } });
    expect(rerated.body.step.rating).toEqual({ average: 5, count: 1, mine: 5 });
    const byAdmin = await ctx.request('PUT', `/v1/step-library/${dns.id}/rating`, { token: admin.token, body: { rating: 4 } });
    expect(byAdmin.body.step.rating).toEqual({ average: 4.5, count: 2, mine: 4 });
    await ctx.request('PUT', `/v1/step-library/${spooler.id}/rating`, { token: eng.token, body: { rating: 2 } });
    const detail = await ctx.request('GET', `/v1/step-library/${dns.id}`, { token: viewer.token });
    expect(detail.body.step.reviews).toEqual(expect.arrayContaining([expect.objectContaining({ userName: 'Ann', rating: 5, review: 'Fixed three tickets this week' })]));
    expect(detail.body.step.rating.mine).toBeNull();
    expect(await search('sort=rating')).toEqual([dns.id, spooler.id]);
    const unrated = await ctx.request('DELETE', `/v1/step-library/${dns.id}/rating`, { token: admin.token });
    expect(unrated.body.step.rating).toEqual({ average: 5, count: 1, mine: null });

    // Using a step: the node with a fresh id, ready to connect; it validates inside a flow.
    const used = await ctx.request('POST', `/v1/step-library/${dns.id}/use`, { token: eng.token });
    expect(used.status).toBe(200);
    expect(used.body.node).toMatchObject({ kind: 'action', title: 'Flush the DNS cache', command: 'ipconfig /flushdns' });
    expect(used.body.node.id).toMatch(/^flush_dns_[0-9a-f]{6}$/);
    const node = { ...used.body.node, options: [{ id: 'ok', label: 'Resolved', next: 'done' }, { id: 'no', label: 'Still failing', next: 'done' }] };
    const graph = { start: node.id, nodes: [node, { id: 'done', kind: 'solution', title: 'Done', options: [] }] };
    expect(graphProblems(graph, 'troubleshooting')).toEqual([]);
    const flow = await ctx.request('POST', '/v1/flows', { token: eng.token, body: { kind: 'troubleshooting', title: 'Site moved', graph } });
    expect(flow.status, flow.text).toBe(201);
    expect((await ctx.request('GET', `/v1/step-library/${dns.id}`, { token: eng.token })).body.step.useCount).toBe(1);
  });

  it('only the author or a team admin edits or deletes; other accounts see nothing', async () => {
    const admin = await ctx.register('steps-own');
    const ann = await ctx.addUser(admin, 'engineer', 'Ann');
    const bob = await ctx.addUser(admin, 'engineer', 'Bob');
    const step = (await ctx.request('POST', '/v1/step-library', { token: ann.token, body: spoolerStep })).body.step;
    const edit = await ctx.request('PATCH', `/v1/step-library/${step.id}`, { token: bob.token, body: { description: 'mine now' } });
    expect(edit.status).toBe(403);
    expect(edit.body.error.message).toMatch(/author or a team admin/);
    const own = await ctx.request('PATCH', `/v1/step-library/${step.id}`, { token: ann.token, body: { description: 'After a driver update', node: { ...spoolerStep.node, title: 'Restart the spooler service' } } });
    expect(own.body.step).toMatchObject({ description: 'After a driver update', title: 'Restart the spooler service', tags: ['printing'] });

    const other = await ctx.register('steps-other');
    expect((await ctx.request('GET', `/v1/step-library/${step.id}`, { token: other.token })).status).toBe(404);
    expect((await ctx.request('PUT', `/v1/step-library/${step.id}/rating`, { token: other.token, body: { rating: 1 } })).status).toBe(404);
    expect((await ctx.request('GET', '/v1/step-library', { token: other.token })).body.steps).toEqual([]);

    expect((await ctx.request('DELETE', `/v1/step-library/${step.id}`, { token: bob.token })).status).toBe(403);
    expect((await ctx.request('DELETE', `/v1/step-library/${step.id}`, { token: admin.token })).status).toBe(200);
    expect((await ctx.request('GET', `/v1/step-library/${step.id}`, { token: ann.token })).status).toBe(404);
  });
});
