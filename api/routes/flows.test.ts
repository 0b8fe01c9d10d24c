// The flow library over HTTP: seeded starters, search and filters, edits that bump the version, pinning, tenancy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_FLOWS } from '../services/flows/library.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let admin: Registered;

const tinyGraph = {
  start: 'ask',
  nodes: [
    { id: 'ask', kind: 'question', title: 'Is the fridge running?', options: [{ id: 'yes', label: 'Yes', next: 'fixed' }, { id: 'no', label: 'No', next: 'plug' }] },
    { id: 'plug', kind: 'action', title: 'Plug it in', options: [{ id: 'done', label: 'Done', next: 'fixed' }] },
    { id: 'fixed', kind: 'solution', title: 'Cold again', options: [] },
  ],
};

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.register('flows');
});
afterAll(() => t.close());

describe('starter flows', () => {
  it('a new account gets the whole starter library, and re-seeding never duplicates', async () => {
    const list = await t.request('GET', '/v1/flows', { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.body.flows).toHaveLength(STARTER_FLOWS.length);
    expect(list.body.flows.every((f: { starter: boolean; version: number }) => f.starter && f.version === 1)).toBe(true);

    const reseed = await t.request('POST', '/v1/flows/seed', { token: admin.token });
    expect(reseed.status).toBe(200);
    expect(reseed.body.added).toEqual([]);
    const [row] = await t.owner`select count(*)::int as n from flows where account_id = ${admin.accountId}`;
    expect(row!.n).toBe(STARTER_FLOWS.length);
  });

  it('re-seeding adds back nothing the team deleted, but does fill in a starter the account never had', async () => {
    const other = await t.register('reseed');
    const vpn = (await t.request('GET', '/v1/flows?q=vpn', { token: other.token })).body.flows[0];
    expect((await t.request('DELETE', `/v1/flows/${vpn.id}`, { token: other.token })).status).toBe(200);
    await t.owner`delete from flows where account_id = ${other.accountId} and starter_key = 'monthly-patching'`;
    const reseed = await t.request('POST', '/v1/flows/seed', { token: other.token });
    expect(reseed.body.added).toEqual(['monthly-patching']);
    const titles = (await t.request('GET', '/v1/flows', { token: other.token })).body.flows.map((f: { title: string }) => f.title);
    expect(titles).not.toContain(vpn.title);
    expect(titles).toContain('Monthly patching (servers and workstations)');
  });
});

describe('listing and searching', () => {
  it('finds flows by words, ranked, and filters by kind, tag and category', async () => {
    const vpn = await t.request('GET', '/v1/flows?q=vpn%20drops', { token: admin.token });
    expect(vpn.body.flows[0].title).toBe('VPN will not connect or keeps dropping');
    const prefix = await t.request('GET', '/v1/flows?q=outl', { token: admin.token });
    expect(prefix.body.flows.map((f: { title: string }) => f.title)).toContain('Outlook keeps asking for a password or will not open');

    const procedural = await t.request('GET', '/v1/flows?kind=procedural', { token: admin.token });
    expect(procedural.body.flows.map((f: { title: string }) => f.title)).toEqual(['New user onboarding']);
    const tagged = await t.request('GET', '/v1/flows?tag=VPN', { token: admin.token });
    expect(tagged.body.flows).toHaveLength(1);
    const category = await t.request('GET', '/v1/flows?category=email', { token: admin.token });
    expect(category.body.flows.length).toBeGreaterThanOrEqual(2);
    expect(category.body.flows.every((f: { category: string }) => f.category === 'Email')).toBe(true);

    expect((await t.request('GET', '/v1/flows?kind=weird', { token: admin.token })).status).toBe(400);
  });

  it('returns the graph on the detail route', async () => {
    const list = await t.request('GET', '/v1/flows?q=printer', { token: admin.token });
    const one = await t.request('GET', `/v1/flows/${list.body.flows[0].id}`, { token: admin.token });
    expect(one.status).toBe(200);
    expect(one.body.flow.graph.nodes.length).toBe(one.body.flow.nodeCount);
  });
});

describe('writing flows', () => {
  it('creates a flow, and refuses a bad graph naming the node', async () => {
    const created = await t.request('POST', '/v1/flows', {
      token: admin.token,
      body: { kind: 'troubleshooting', title: 'Fridge is warm', tags: ['Fridge', 'kitchen'], category: 'Facilities', graph: tinyGraph },
    });
    expect(created.status).toBe(201);
    expect(created.body.flow).toMatchObject({ version: 1, tags: ['fridge', 'kitchen'], starter: false });

    const broken = structuredClone(tinyGraph);
    broken.nodes[1]!.options[0]!.next = 'freezer';
    const refused = await t.request('POST', '/v1/flows', { token: admin.token, body: { kind: 'troubleshooting', title: 'Broken', graph: broken } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invalid_flow');
    expect(refused.body.error.message).toContain('node "plug"');
    expect((await t.request('POST', '/v1/flows', { token: admin.token, body: { kind: 'troubleshooting', title: '', graph: tinyGraph } })).status).toBe(400);
  });

  it('an edit bumps the version; a stale edit is a 409; a live session keeps the version it started with', async () => {
    const created = await t.request('POST', '/v1/flows', { token: admin.token, body: { kind: 'troubleshooting', title: 'Fridge v1', graph: tinyGraph } });
    const flowId = created.body.flow.id;
    const session = (await t.request('POST', '/v1/sessions', { token: admin.token, body: { ticket: { externalId: '5550001', summary: 'Fridge warm' }, flowId } })).body.session;
    expect(session.flowVersion).toBe(1);

    const edited = structuredClone(tinyGraph);
    edited.nodes[0]!.title = 'Is the fridge humming?';
    edited.nodes[0]!.options[1]!.next = 'fixed';
    edited.nodes.splice(1, 1);
    const put = await t.request('PUT', `/v1/flows/${flowId}`, { token: admin.token, body: { title: 'Fridge v2', graph: edited, version: 1 } });
    expect(put.status).toBe(200);
    expect(put.body.flow).toMatchObject({ version: 2, title: 'Fridge v2' });
    const stale = await t.request('PUT', `/v1/flows/${flowId}`, { token: admin.token, body: { title: 'Fridge v3', version: 1 } });
    expect(stale.status).toBe(409);

    // The session still walks version 1: "no" leads to the "plug" step, which v2 removed.
    const step = await t.request('POST', `/v1/sessions/${session.id}/steps`, { token: admin.token, body: { nodeId: 'ask', optionId: 'no' } });
    expect(step.status).toBe(201);
    expect(step.body.session.currentNode.title).toBe('Plug it in');
    expect(step.body.session.flowVersion).toBe(1);
    const again = await t.request('GET', `/v1/sessions/${session.id}`, { token: admin.token });
    expect(again.body.session.currentNodeId).toBe('plug');
  });

  it('engineers may create and edit, only team admins delete, viewers only read', async () => {
    const engineer = await t.addUser(admin, 'engineer');
    const viewer = await t.addUser(admin, 'viewer');
    const made = await t.request('POST', '/v1/flows', { token: engineer.token, body: { kind: 'troubleshooting', title: 'By an engineer', graph: tinyGraph } });
    expect(made.status).toBe(201);
    expect((await t.request('PUT', `/v1/flows/${made.body.flow.id}`, { token: engineer.token, body: { description: 'better' } })).status).toBe(200);
    expect((await t.request('DELETE', `/v1/flows/${made.body.flow.id}`, { token: engineer.token })).status).toBe(403);
    expect((await t.request('POST', '/v1/flows', { token: viewer.token, body: { kind: 'troubleshooting', title: 'x', graph: tinyGraph } })).status).toBe(403);
    expect((await t.request('GET', `/v1/flows/${made.body.flow.id}`, { token: viewer.token })).status).toBe(200);
    expect((await t.request('DELETE', `/v1/flows/${made.body.flow.id}`, { token: admin.token })).status).toBe(200);
    expect((await t.request('GET', `/v1/flows/${made.body.flow.id}`, { token: admin.token })).status).toBe(404);
  });

  it("another account's flow is a 404 for every verb", async () => {
    const stranger = await t.register('stranger');
    const mine = (await t.request('GET', '/v1/flows?q=dns', { token: admin.token })).body.flows[0];
    expect((await t.request('GET', `/v1/flows/${mine.id}`, { token: stranger.token })).status).toBe(404);
    expect((await t.request('PUT', `/v1/flows/${mine.id}`, { token: stranger.token, body: { title: 'mine now' } })).status).toBe(404);
    expect((await t.request('DELETE', `/v1/flows/${mine.id}`, { token: stranger.token })).status).toBe(404);
    const theirs = await t.request('POST', '/v1/sessions', { token: stranger.token, body: { ticket: { externalId: '5550002' }, flowId: mine.id } });
    expect(theirs.status).toBe(404);
  });
});
