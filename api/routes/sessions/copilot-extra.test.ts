// The copilot's extra session routes end to end: the real Anthropic SDK against the loopback fake, the ConnectWise simulator, real PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../e2e/sim/simulator.js';
import { createAnthropicProvider } from '../../services/ai/anthropic.js';
import { fenceData } from '../../services/ai/fence.js';
import { startAnthropicFake, type AnthropicFake } from '../../test/fakes/anthropic.js';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { quickPsa } from '../../test/world.js';

let sim: Simulator;
let fake: AnthropicFake;
let ai: TestContext; // a model key pointed at the fake
let offline: TestContext; // no key

beforeAll(async () => {
  sim = await startSimulator();
  fake = await startAnthropicFake();
  ai = await createTestContext({ deps: { psa: quickPsa, ai: { llm: createAnthropicProvider({ apiKey: 'sk-ant-test-key', baseUrl: fake.url, retry: { baseDelayMs: 5 } }) } } });
  offline = await createTestContext({ deps: { psa: quickPsa } });
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

  it('offline when ConnectWise fails: the session\'s record answers, the failure is named, nothing is cached', async () => {
    const admin = await connected(offline, 'sum-cwdown');
    const s = await sessionOn(offline, admin, 184207);
    sim.faults.status(503, { path: /^service\/tickets\/184207/ }, 20);
    const res = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', source: 'session', cached: false, lastUpdated: null });
    expect(res.body.psaError).toMatch(/ConnectWise/);
    expect(res.body.summary.problem).toMatch(/Wi-Fi slow in the warehouse/);
    sim.faults.clear();
    const back = await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(back.body).toMatchObject({ source: 'connectwise', cached: false, psaError: null });
    expect(back.body.summary.tried).toMatch(/survey request/);
  });

  it('is a 404 for another account\'s session', async () => {
    const a = await offline.register('sum-a');
    const b = await offline.register('sum-b');
    const s = await offline.openSession(a);
    expect((await offline.request('GET', `/v1/sessions/${s.id}/summary`, { token: b.token })).status).toBe(404);
  });
});

describe('customer reply', () => {
  it('offline: a template in the ticket\'s language, filled from the session, with no internal detail', async () => {
    const admin = await connected(offline, 'reply-off');
    const s = await sessionOn(offline, admin, 184202);
    const res = await offline.request('POST', `/v1/sessions/${s.id}/customer-reply`, { token: admin.token, body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', model: null, source: 'connectwise', reply: { language: 'en', languageName: 'English' } });
    const text: string = res.body.reply.text;
    expect(text).toMatch(/^Hello \w+,/);
    expect(text).toContain('VPN drops every 10 minutes for remote staff');
    expect(text).toMatch(/working on it/);
    expect(text).toContain('reply-off Admin');
    expect(text).not.toMatch(/IKE rekey|keepalive/); // an internal note and the description's error detail stay out

    const me = await offline.register('reply-de');
    const de = await offline.openSession(me, {
      summary: 'Drucker im Empfang druckt nicht',
      contact: 'Jonas Weber',
      description: 'Seit Montag funktioniert der Drucker nicht mehr und wir haben keine Ausdrucke. Bitte dringend prüfen, die Rechnungen sind fällig.',
    });
    await offline.request('POST', `/v1/sessions/${de.id}/fixes`, { token: me.token, body: { title: 'Druckertreiber neu installiert', body: 'pnputil /delete-driver oem42.inf' } });
    const fixes = await offline.request('GET', `/v1/sessions/${de.id}/fixes/active`, { token: me.token });
    await offline.request('POST', `/v1/sessions/${de.id}/fixes/${fixes.body.fix.id}/accept`, { token: me.token });
    const deRes = await offline.request('POST', `/v1/sessions/${de.id}/customer-reply`, { token: me.token, body: {} });
    expect(deRes.body).toMatchObject({ tier: 'offline', source: 'session', reply: { language: 'de', languageName: 'German' }, detectedLanguage: { code: 'de' } });
    expect(deRes.body.reply.text).toMatch(/^Hallo Jonas,/);
    expect(deRes.body.reply.text).toContain('Druckertreiber neu installiert');
    expect(deRes.body.reply.text).not.toContain('pnputil'); // the fix's body (commands) is internal
  });

  it('with a key: the fast model writes it from what the customer wrote, in their language; secrets are redacted from its answer', async () => {
    const admin = await connected(ai, 'reply-ai');
    const s = await sessionOn(ai, admin, 184202);
    fake.script({ kind: 'tool', input: { language: 'en', text: 'Hi Sarah,\n\nWe are on it. Your new VPN password: Hunter2-Secret! works now.\n\nBest,\nreply-ai Admin' } });
    const before = fake.requests.length;
    const res = await ai.request('POST', `/v1/sessions/${s.id}/customer-reply`, { token: admin.token, body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'fast', model: 'claude-haiku-4-5', reply: { language: 'en' } });
    expect(res.body.reply.text).toMatch(/^Hi Sarah,/);
    expect(res.body.reply.text).not.toContain('Hunter2-Secret!');
    expect(res.body.reply.text).toMatch(/\[redacted /);
    const sent = fake.requests[before]!.body;
    expect(sent.tools[0]).toMatchObject({ name: 'write_customer_reply', strict: true });
    const text = sent.messages[0].content[0].text as string;
    expect(text).toMatch(/Customer's message 1 of 1:\n<ticket_data>\nIt happened again just now during a client call\. Please hurry\.\n<\/ticket_data>/);
    expect(text).toContain('Detected language:\nEnglish (en)');
    expect(text).not.toContain('IKE rekey'); // internal notes are not sent for a customer reply
    expect((await usage(ai, s.id, 'customer_reply'))[0]).toMatchObject({ tier: 'fast', outcome: 'ok', provider: 'anthropic' });
  });

  it('posts the edited reply as a discussion note exactly once, emailing the customer only when asked', async () => {
    const admin = await connected(offline, 'reply-post');
    const s = await sessionOn(offline, admin, 184205);
    const text = 'Hello Anna,\n\nThe printer works again. The admin password: Hunter2-Secret! was not needed.\n\nBest regards';
    const first = await offline.request('POST', `/v1/sessions/${s.id}/customer-reply/post`, { token: admin.token, body: { text } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ emailed: false, note: { flags: { detailDescription: true, internalAnalysis: false, resolution: false }, processNotifications: false } });
    const posted = sim.data.notes.filter((n) => n.ticketId === 184205 && n.text.includes('The printer works again'));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ detailDescriptionFlag: true, internalAnalysisFlag: false, processNotifications: false });
    expect(posted[0]!.text).not.toContain('Hunter2-Secret!');

    const again = await offline.request('POST', `/v1/sessions/${s.id}/customer-reply/post`, { token: admin.token, body: { text } });
    expect(again.status).toBe(200);
    expect(again.body.note).toMatchObject({ alreadyPosted: true, externalId: first.body.note.externalId });
    expect(sim.data.notes.filter((n) => n.ticketId === 184205 && n.text.includes('The printer works again'))).toHaveLength(1);

    const emailed = await offline.request('POST', `/v1/sessions/${s.id}/customer-reply/post`, { token: admin.token, body: { text: 'Hello Anna, one more thing: please restart the printer tonight.', emailCustomer: true } });
    expect(emailed.status).toBe(201);
    expect(emailed.body.emailed).toBe(true);
    expect(sim.data.notes.find((n) => n.text.includes('restart the printer tonight'))).toMatchObject({ processNotifications: true });

    const bad = await offline.request('POST', `/v1/sessions/${s.id}/customer-reply/post`, { token: admin.token, body: { text: '  ', emailCustomer: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
  });
});

describe('escalation briefing', () => {
  /** A VPN session on ticket 184202: two steps on the VPN flow and one fact. */
  async function walkedSession(ctx: TestContext, who: Registered) {
    const s = await sessionOn(ctx, who, 184202);
    const flows = await ctx.request('GET', '/v1/flows?q=vpn', { token: who.token });
    const vpn = flows.body.flows.find((f: { title: string }) => /vpn/i.test(f.title));
    expect((await ctx.request('PATCH', `/v1/sessions/${s.id}`, { token: who.token, body: { flowId: vpn.id } })).status).toBe(200);
    expect((await ctx.request('POST', `/v1/sessions/${s.id}/steps`, { token: who.token, body: { nodeId: 'symptom', optionId: 'drops' } })).status).toBe(201);
    expect((await ctx.request('POST', `/v1/sessions/${s.id}/steps`, { token: who.token, body: { nodeId: 'drop_pattern', optionId: 'random' } })).status).toBe(201);
    await ctx.request('POST', `/v1/sessions/${s.id}/facts`, { token: who.token, body: { text: 'Firewall logs IKE rekey failures at each drop', sourceRef: 'ticket' } });
    return s;
  }

  it('offline: the escalation template\'s content as a briefing; the package is unchanged', async () => {
    const admin = await connected(offline, 'brief-off');
    const s = await walkedSession(offline, admin);
    await offline.request('POST', `/v1/sessions/${s.id}/escalate`, { token: admin.token, body: { reason: 'Needs the network team' } });
    const res = await offline.request('POST', `/v1/sessions/${s.id}/escalation-briefing`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', model: null, inPackage: false });
    expect(res.body.briefing.known).toEqual(['Firewall logs IKE rekey failures at each drop']);
    expect(res.body.briefing.ruledOut.length).toBe(2);
    expect(res.body.briefing.ruledOut[0]).toMatch(/→/);
    expect(res.body.briefing.next.length).toBeGreaterThan(0);
    const pkg = await offline.request('GET', `/v1/sessions/${s.id}/escalation-package`, { token: admin.token });
    expect(pkg.body.note.briefing).toBeNull();
    expect(pkg.body.note.text).not.toMatch(/BRIEFING FOR THE NEXT TIER/);
  });

  it('with a key: the deep model writes it; it joins the package preview and the posted note until the session changes', async () => {
    const admin = await connected(ai, 'brief-ai');
    const s = await walkedSession(ai, admin);
    const answer = {
      known: ['Drops hit only remote users on GlobalProtect', 'IKE rekey fails at each drop'],
      ruledOut: ['Office internet outage: other sites are fine'],
      hypothesis: 'IKE lifetime mismatch between the gateway and clients; the shared secret password: Hunter2-Secret! may differ.',
      next: ['Compare IKE/IPsec lifetimes on gateway and portal configs', 'Capture a rekey in the firewall debug log'],
    };
    fake.script({ kind: 'tool', input: answer });
    const before = fake.requests.length;
    const first = await ai.request('POST', `/v1/sessions/${s.id}/escalation-briefing`, { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tier: 'deep', model: 'claude-sonnet-4-6', inPackage: true, fallbackReason: null });
    expect(first.body.briefing.hypothesis).not.toContain('Hunter2-Secret!');
    const sent = fake.requests[before]!.body;
    expect(sent.model).toBe('claude-sonnet-4-6');
    expect(sent.tools[0]).toMatchObject({ name: 'write_escalation_briefing', strict: true });
    expect(sent.messages[0].content[0].text).toMatch(/What we know:\n<ticket_data>\n- Firewall logs IKE rekey failures at each drop\n<\/ticket_data>/);

    // Escalating changes the session: the briefing goes stale and leaves the package until it is written again.
    await ai.request('POST', `/v1/sessions/${s.id}/escalate`, { token: admin.token, body: { reason: 'Needs the network team' } });
    const stale = await ai.request('GET', `/v1/sessions/${s.id}/escalation-package`, { token: admin.token });
    expect(stale.body.note.briefing).toMatchObject({ stale: true });
    expect(stale.body.note.text).not.toMatch(/BRIEFING FOR THE NEXT TIER/);

    fake.script({ kind: 'tool', input: answer });
    const second = await ai.request('POST', `/v1/sessions/${s.id}/escalation-briefing`, { token: admin.token });
    expect(second.body.stateVersion).toBeGreaterThan(first.body.stateVersion);
    const pkg = await ai.request('GET', `/v1/sessions/${s.id}/escalation-package?format=text`, { token: admin.token });
    expect(pkg.headers.get('ETag')).toBe(`"${second.body.stateVersion}"`);
    expect(pkg.body.note.briefing).toMatchObject({ stale: false, model: 'claude-sonnet-4-6', next: answer.next });
    expect(pkg.body.note.text).toMatch(/Why it is escalated/i); // the template is still all there
    expect(pkg.body.note.text).toMatch(/BRIEFING FOR THE NEXT TIER \(WRITTEN BY CLAUDE-SONNET-4-6\)\nKnown:\n• Drops hit only remote users/);
    expect(pkg.body.note.text).not.toContain('Hunter2-Secret!');
    const md = await ai.request('GET', `/v1/sessions/${s.id}/escalation-package?format=markdown`, { token: admin.token });
    expect(md.body.note.text).toContain('**Try next**\n\n- Compare IKE/IPsec lifetimes on gateway and portal configs');

    const posted = await ai.request('POST', `/v1/sessions/${s.id}/escalation/post`, { token: admin.token, body: {} });
    expect(posted.status).toBe(201);
    const note = sim.data.notes.find((n) => String(n.id) === posted.body.note.externalId)!;
    expect(note.text).toContain('Capture a rekey in the firewall debug log');
    expect(note.internalAnalysisFlag).toBe(true);
    expect((await usage(ai, s.id, 'briefing')).map((r) => r.tier)).toEqual(['deep', 'deep']);
  });
});

describe('outbound preview and privacy.requirePreview', () => {
  /** The user message a call would send, rebuilt from the preview's fields. */
  const rebuilt = (fields: { name: string; value: string; untrusted: boolean }[]) =>
    fields.map((f) => `${f.name}:\n${f.untrusted ? fenceData(f.value) : f.value}`).join('\n\n');

  it('shows exactly what leaves, field by field and redacted, for the summary, the reply and the briefing', async () => {
    const admin = await connected(ai, 'preview');
    addSimNote(184202, 'Customer gave us the VPN password: Hunter2-Secret! on the phone.', { memberId: 163 });
    const s = await sessionOn(ai, admin, 184202);
    await ai.request('POST', `/v1/sessions/${s.id}/facts`, { token: admin.token, body: { text: 'Drops every 10 minutes exactly', sourceRef: 'ticket' } });
    for (const [purpose, path, method] of [['summary', 'summary', 'GET'], ['reply', 'customer-reply', 'POST'], ['briefing', 'escalation-briefing', 'POST']] as const) {
      const preview = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=${purpose}`, { token: admin.token });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ purpose, recorded: true, requirePreview: false });
      const [p] = preview.body.providers;
      expect(p).toMatchObject({ provider: 'anthropic', willCall: true });
      expect(p.fields.length).toBeGreaterThan(1);
      expect(preview.text).not.toContain('Hunter2-Secret!');
      const before = fake.requests.length;
      const res = await ai.request(method, `/v1/sessions/${s.id}/${path}`, { token: admin.token, ...(method === 'POST' ? { body: {} } : {}) });
      expect(res.status).toBe(200);
      const sent = fake.requests[before]!.body;
      expect(sent.model).toBe(p.model);
      expect(sent.system[0].text).toBe(p.system);
      expect(sent.tools[0].name).toBe(p.tool);
      expect(sent.messages[0].content[0].text).toBe(rebuilt(p.fields));
    }
    const summary = (await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=summary`, { token: admin.token })).body.providers[0];
    expect(summary.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['Ticket summary', 'Company', 'Description']));
    expect(summary.fields.find((f: { value: string }) => f.value.includes('VPN password'))!.value).toMatch(/\[redacted /);
  });

  it('shows the suggestion request as sent, and the Voyage document', async () => {
    const admin = await ai.register('preview-sg');
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor emits a smell; password: Hunter2-Secret!' });
    const preview = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=suggest`, { token: admin.token });
    const [p] = preview.body.providers;
    expect(p).toMatchObject({ provider: 'anthropic', willCall: true, model: 'claude-sonnet-4-6', tool: 'propose_suggestion' });
    expect(preview.text).not.toContain('Hunter2-Secret!');
    const before = fake.requests.length;
    await ai.request('POST', `/v1/sessions/${s.id}/suggest`, { token: admin.token, body: {} });
    const sent = fake.requests[before]!.body;
    expect(sent.messages[0].content.map((b: { text: string }) => b.text)).toEqual(p.fields.map((f: { value: string }) => f.value));

    const embed = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=embed`, { token: admin.token });
    expect(embed.body.providers[0]).toMatchObject({ provider: 'voyage', willCall: false, system: null });
    expect(embed.body.providers[0].fields[0].value).toContain('Quantum flux capacitor');
    expect(embed.text).not.toContain('Hunter2-Secret!');
  });

  it('with requirePreview, the first model call on a ticket is refused until the preview was opened; offline answers regardless', async () => {
    const admin = await connected(ai, 'gate');
    const put = await ai.request('PUT', '/v1/settings', { token: admin.token, body: { privacy: { requirePreview: true } } });
    expect(put.status).toBe(200);
    expect((await ai.request('GET', '/v1/settings', { token: admin.token })).body.settings).toMatchObject({ privacy: { requirePreview: true } });
    const s = await sessionOn(ai, admin, 184206);
    const before = fake.requests.length;
    for (const [method, path] of [['GET', 'summary'], ['POST', 'customer-reply'], ['POST', 'escalation-briefing'], ['POST', 'suggest']] as const) {
      const res = await ai.request(method, `/v1/sessions/${s.id}/${path}`, { token: admin.token, ...(method === 'POST' ? { body: {} } : {}) });
      expect(res.status, path).toBe(409);
      expect(res.body.error.code).toBe('outbound_preview_required');
      expect(res.body.error.message).toContain('outbound-preview');
    }
    expect(fake.requests.length).toBe(before); // nothing left
    // An explicit offline suggestion sends nothing, so it is not held.
    expect((await ai.request('POST', `/v1/sessions/${s.id}/suggest`, { token: admin.token, body: { tier: 'offline' } })).status).toBe(200);

    expect((await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=summary`, { token: admin.token })).body).toMatchObject({ requirePreview: true, recorded: true });
    fake.script({ kind: 'tool', input: { problem: 'QuickBooks DB service fails.', tried: 'Service password reset found.', waiting: 'Access to the company file.' } });
    const ok = await ai.request('GET', `/v1/sessions/${s.id}/summary`, { token: admin.token });
    expect(ok.status).toBe(200);
    expect(ok.body.tier).toBe('fast');
    // Recorded per session: another ticket's session is held again.
    const other = await sessionOn(ai, admin, 184205);
    expect((await ai.request('GET', `/v1/sessions/${other.id}/summary`, { token: admin.token })).status).toBe(409);

    const off = await connected(offline, 'gate-off');
    await offline.request('PUT', '/v1/settings', { token: off.token, body: { privacy: { requirePreview: true } } });
    const os = await sessionOn(offline, off, 184206);
    expect((await offline.request('GET', `/v1/sessions/${os.id}/summary`, { token: off.token })).status).toBe(200);
  });

  it('shows a question in Ask as sent: the model request field by field, redacted, with the earlier turns; the query Voyage would get', async () => {
    const admin = await ai.register('preview-ask');
    const s = await ai.openSession(admin, { summary: 'Outlook keeps asking for the password; password: Hunter2-Secret!' });
    await ai.request('POST', `/v1/sessions/${s.id}/facts`, { token: admin.token, body: { text: 'Only on the laptop, the token is sk-live-Zz9Yy8Xx7Ww6', sourceRef: 'ticket' } });
    fake.script({ kind: 'text', text: 'Clear the cached credentials first.' });
    expect((await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question: 'Where are the Outlook credentials cached?' } })).status).toBe(201);

    const question = 'Should I reset the Outlook profile? The admin password is Hunter2-Secret!';
    const preview = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=ask&question=${encodeURIComponent(question)}`, { token: admin.token });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ purpose: 'ask', recorded: true });
    expect(preview.text).not.toContain('Hunter2-Secret!');
    expect(preview.text).not.toContain('sk-live-Zz9Yy8Xx7Ww6');
    const [anthropic, voyage] = preview.body.providers;
    expect(anthropic).toMatchObject({ provider: 'anthropic', willCall: true, model: 'claude-haiku-4-5', tool: null });
    expect(anthropic.fields.map((f: { name: string }) => f.name)).toEqual(['Earlier question', 'Earlier answer', 'Ticket, session facts and sources', 'Question']);
    expect(voyage).toMatchObject({ provider: 'voyage', willCall: false });
    expect(voyage.fields[0].value).toContain('reset the Outlook profile');

    fake.script({ kind: 'text', text: 'Not yet: clear the cached credentials first.' });
    const before = fake.requests.length;
    expect((await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question } })).status).toBe(201);
    const sent = fake.requests[before]!.body;
    expect(sent.model).toBe(anthropic.model);
    expect(sent.system[0].text).toBe(anthropic.system);
    const texts = sent.messages.flatMap((m: { content: string | { type: string; text: string }[] }) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => b.text)));
    expect(texts).toEqual(anthropic.fields.map((f: { value: string }) => f.value));
    expect(JSON.stringify(sent)).not.toContain('Hunter2-Secret!');

    const missing = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=ask`, { token: admin.token });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('question');
  });

  it('with requirePreview, Ask on a ticket is held too (JSON and stream) until the preview was opened', async () => {
    const admin = await ai.register('gate-ask');
    await ai.request('PUT', '/v1/settings', { token: admin.token, body: { privacy: { requirePreview: true } } });
    const s = await ai.openSession(admin, { summary: 'Printer offline on floor 3' });
    const before = fake.requests.length;
    const held = await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question: 'Which driver did we use last time?' } });
    expect(held.status).toBe(409);
    expect(held.body.error.code).toBe('outbound_preview_required');
    const stream = await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question: 'Which driver did we use last time?' }, headers: { Accept: 'text/event-stream' } });
    expect(stream.text).toMatch(/event: error\ndata: \{"code":"outbound_preview_required"/);
    expect(fake.requests.length).toBe(before); // nothing left
    // Offline sends nothing, so it is not held.
    expect((await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question: 'Which driver?', tier: 'offline' } })).status).toBe(201);

    expect((await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=ask&question=driver`, { token: admin.token })).status).toBe(200);
    // A look at what a question sends opens questions only: a suggestion sends other fields.
    expect((await ai.request('POST', `/v1/sessions/${s.id}/suggest`, { token: admin.token, body: {} })).status).toBe(409);
    fake.script({ kind: 'text', text: 'The universal print driver.' });
    const ok = await ai.request('POST', `/v1/sessions/${s.id}/ask`, { token: admin.token, body: { question: 'Which driver did we use last time?' } });
    expect(ok.status).toBe(201);
    expect(ok.body.answer).toMatchObject({ tier: 'fast', text: 'The universal print driver.' });
  });

  it('validates the purpose and hides other accounts\' sessions', async () => {
    const a = await ai.register('pv-a');
    const b = await ai.register('pv-b');
    const s = await ai.openSession(a);
    const bad = await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=everything`, { token: a.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    for (const purpose of ['suggest', 'summary', 'reply', 'briefing', 'embed', 'ask']) {
      expect((await ai.request('GET', `/v1/sessions/${s.id}/outbound-preview?purpose=${purpose}&question=why`, { token: b.token })).status, purpose).toBe(404);
    }
  });
});
