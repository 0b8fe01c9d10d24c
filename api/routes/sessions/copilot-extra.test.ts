// The copilot's extra session routes end to end: the real Anthropic SDK against the loopback fake, the ConnectWise simulator, real PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/sim/simulator.js';
import { createAnthropicProvider } from '../../services/ai/anthropic.js';
import { startAnthropicFake, type AnthropicFake } from '../../test/fakes/anthropic.js';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';

let sim: Simulator;
let fake: AnthropicFake;
let ai: TestContext; // a model key pointed at the fake
let offline: TestContext; // no key

beforeAll(async () => {
  sim = await startSimulator();
  fake = await startAnthropicFake();
  const psa = { client: { timeoutMs: 1_000, backoffBaseMs: 5, backoffMaxMs: 20 } };
  ai = await createTestContext({ deps: { psa, ai: { llm: createAnthropicProvider({ apiKey: 'sk-ant-test-key', baseUrl: fake.url, retry: { baseDelayMs: 5 } }) } } });
  offline = await createTestContext({ deps: { psa } });
});
afterAll(async () => {
  await ai?.close();
  await offline?.close();
  await fake?.close();
  await sim?.close();
});
beforeEach(() => {
  sim.reset();
  fake.clearScript();
});

async function connected(ctx: TestContext, label: string): Promise<Registered> {
  const admin = await ctx.register(label);
  const res = await ctx.request('PUT', '/v1/settings/psa', { token: admin.token, body: sim.connection });
  expect(res.status).toBe(200);
  return admin;
}

/** A session on one of the simulator's tickets, opened with what the page shows (no notes). */
async function sessionOn(ctx: TestContext, who: Registered, ticketId: number) {
  const t = sim.data.tickets.find((x) => x.id === ticketId)!;
  const res = await ctx.request('POST', '/v1/sessions', { token: who.token, body: { ticket: { externalId: String(ticketId), summary: t.summary } } });
  expect([200, 201]).toContain(res.status);
  return res.body.session as { id: string };
}

/** Adds a note to a simulator ticket as ConnectWise would (the ticket's lastUpdated moves). */
function addSimNote(ticketId: number, text: string, who: { memberId?: number; contactId?: number }) {
  const at = new Date(Date.now() + sim.data.notes.length * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  sim.data.notes.push({
    id: sim.data.nextIds.note++, ticketId, text, detailDescriptionFlag: !!who.contactId, internalAnalysisFlag: !who.contactId, resolutionFlag: false,
    customerUpdatedFlag: !!who.contactId, processNotifications: false, memberId: who.memberId ?? null, contactId: who.contactId ?? null, dateCreated: at, createdBy: 'test',
  });
  sim.data.tickets.find((t) => t.id === ticketId)!.lastUpdated = at;
}

const usage = (ctx: TestContext, sessionId: string, feature: string) =>
  ctx.owner<{ tier: string; routed_tier: string; provider: string; outcome: string; model: string | null; input_tokens: number }[]>`
    select * from ai_usage where session_id = ${sessionId} and feature = ${feature} order by created_at`;

describe('ticket summary', () => {
  it('offline: extracts three lines from the ticket and its ConnectWise notes, redacted, cached on lastUpdated', async () => {
    const admin = await connected(offline, 'sum-off');
    addSimNote(184202, 'Reset the tunnel; the pre-shared key is password: Hunter2-Secret! now.', { memberId: 163 });
    addSimNote(184202, 'Still dropping, we need this working before Monday.', { contactId: 3103 });
    const s = await sessionOn(offline, admin, 184202);
    const res = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', model: null, source: 'connectwise', cached: false });
    expect(res.body.summary.lines).toHaveLength(3);
    expect(res.body.summary.problem).toMatch(/VPN drops every 10 minutes/);
    expect(res.body.summary.problem).toMatch(/GlobalProtect/); // from the description note, which the page did not send
    expect(res.body.summary.tried).toMatch(/Reset the tunnel/);
    expect(res.body.summary.waiting).toMatch(/before Monday/);
    expect(res.text).not.toContain('Hunter2-Secret!');
    expect(res.text).toMatch(/\[redacted /);

    const again = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(again.body).toMatchObject({ cached: true, summary: res.body.summary, lastUpdated: res.body.lastUpdated });

    addSimNote(184202, 'Replaced the keepalive profile on the firewall.', { memberId: 163 });
    const fresh = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(fresh.body.cached).toBe(false);
    expect(fresh.body.lastUpdated).not.toBe(res.body.lastUpdated);
    expect(fresh.body.summary.tried).toMatch(/keepalive profile/);
  });

  it('offline without a ConnectWise connection: a summary from the session, never an error', async () => {
    const me = await offline.register('sum-nocw');
    const s = await offline.openSession(me, { summary: 'Scanner will not scan to email', description: 'Since this morning. Scan to folder works.' });
    await offline.request('POST', `/v1/sessions/${s.id}/events`, { token: me.token, body: { kind: 'observation', text: 'SMTP auth is disabled on the tenant' } });
    const res = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', source: 'session', cached: false, lastUpdated: null });
    expect(res.body.summary.problem).toMatch(/Scanner will not scan to email: Since this morning\./);
    expect(res.body.summary.tried).toMatch(/SMTP auth is disabled/);
  });

  it('with a key: the fast model writes it from the fenced ticket and notes; cached until the ticket changes; usage recorded', async () => {
    const admin = await connected(ai, 'sum-ai');
    const s = await sessionOn(ai, admin, 184202);
    fake.script({ kind: 'tool', input: { problem: 'Remote attorneys lose the VPN every 10 minutes.', tried: 'IKE rekey failures seen on the firewall.', waiting: 'A stable VPN; they asked us to hurry.' } });
    const before = fake.requests.length;
    const res = await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'fast', model: 'claude-haiku-4-5', source: 'connectwise', cached: false, fallbackReason: null });
    expect(res.body.summary.lines).toEqual(['Remote attorneys lose the VPN every 10 minutes.', 'IKE rekey failures seen on the firewall.', 'A stable VPN; they asked us to hurry.']);
    const sent = fake.requests[before]!.body;
    expect(sent.tools[0]).toMatchObject({ name: 'write_ticket_summary', strict: true });
    const text = sent.messages[0].content[0].text as string;
    expect(text).toMatch(/Note 2 of 2 \(customer[^)]*\):\n<ticket_data>\nIt happened again just now during a client call\. Please hurry\.\n<\/ticket_data>/);
    expect(text).toContain('Tunnel down due to keepalive timeout');

    const again = await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(again.body).toMatchObject({ cached: true, tier: 'fast' });
    expect(fake.requests.length).toBe(before + 1);
    addSimNote(184202, 'Called the ISP, no outage.', { memberId: 163 });
    fake.script({ kind: 'tool', input: { problem: 'VPN drops.', tried: 'ISP has no outage.', waiting: 'A stable VPN.' } });
    const fresh = await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(fresh.body).toMatchObject({ cached: false, summary: { tried: 'ISP has no outage.' } });
    expect(fake.requests.length).toBe(before + 2);
    const rows = await usage(ai, s.id, 'summary');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ tier: 'fast', provider: 'anthropic', outcome: 'ok', model: 'claude-haiku-4-5' });
  });

  it('with a key: an invalid answer gives the extractive summary (not cached), and the call is still accounted', async () => {
    const admin = await connected(ai, 'sum-bad');
    const s = await sessionOn(ai, admin, 184206);
    fake.script({ kind: 'tool', input: { problem: 'x'.repeat(900), tried: '', waiting: 3 } });
    const res = await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', cached: false });
    expect(res.body.fallbackReason).toMatch(/^invalid_output/);
    expect(res.body.summary.tried).toMatch(/QBDataServiceUser34/);
    expect((await usage(ai, s.id, 'summary'))[0]).toMatchObject({ tier: 'offline', routed_tier: 'fast', outcome: 'fallback' });
    fake.script({ kind: 'tool', input: { problem: 'QuickBooks DB service fails to log on.', tried: 'Service password was reset by policy.', waiting: 'Access to the company file.' } });
    expect((await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token })).body).toMatchObject({ tier: 'fast', cached: false });
  });

  it('is a 404 for another account\'s session', async () => {
    const a = await offline.register('sum-a');
    const b = await offline.register('sum-b');
    const s = await offline.openSession(a);
    expect((await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: b.token })).status).toBe(404);
  });
});
