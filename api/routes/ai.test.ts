// The AI flow builder (offline and through the Anthropic fake) and the knowledge flywheel, end to end over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../services/ai/anthropic.js';
import { graphProblems } from '../services/flows/index.js';
import { startAnthropicFake, type AnthropicFake } from '../test/fakes/anthropic.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';
import { modelFlow } from '../test/model-flow.js';

let fake: AnthropicFake;
let ai: TestContext;
let offline: TestContext;
let aiAdmin: Registered;
let offAdmin: Registered;

beforeAll(async () => {
  fake = await startAnthropicFake();
  ai = await createTestContext({ deps: { ai: { llm: createAnthropicProvider({ apiKey: 'sk-ant-flow', baseUrl: fake.url, retry: { baseDelayMs: 5 } }) } } });
  offline = await createTestContext();
  aiAdmin = await ai.register('builder');
  offAdmin = await offline.register('builder-off');
});
beforeEach(() => {
  fake.clearScript();
  fake.setStreamDelay(0);
});
afterAll(async () => {
  await ai.close();
  await offline.close();
  await fake.close();
});

interface SseEvent {
  event: string;
  data: any;
}
function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
      data: JSON.parse(
        block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n'),
      ),
    }));
}


describe('POST /v1/flows/generate', () => {
  it('offline: adapts the library flow that fits the prompt, and the draft validates and saves', async () => {
    const res = await offline.request('POST', '/v1/flows/generate', { token: offAdmin.token, body: { prompt: 'Outlook keeps asking for a password after the Microsoft 365 migration' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ origin: 'offline', tier: 'offline', model: null });
    expect(res.body.basedOn.title).toMatch(/Outlook/);
    expect(graphProblems(res.body.draft.graph, res.body.draft.kind)).toEqual([]);
    const saved = await offline.request('POST', '/v1/flows', { token: offAdmin.token, body: res.body.draft });
    expect(saved.status).toBe(201);
  });

  it('offline: builds a valid skeleton of the right kind when nothing fits', async () => {
    for (const [prompt, kind] of [
      ['Quarterly firmware review of the Meraki switches', 'maintenance'],
      ['Set up a new Xerox multifunction device for a client', 'procedural'],
      ['Zebra label scanner beeps twice and stops', 'troubleshooting'],
    ] as const) {
      const res = await offline.request('POST', '/v1/flows/generate', { token: offAdmin.token, body: { prompt } });
      expect(res.status).toBe(200);
      expect(res.body.draft.kind).toBe(kind);
      expect(graphProblems(res.body.draft.graph, res.body.draft.kind)).toEqual([]);
    }
  });

  it('with a model: returns the model’s flow once it validates; the prompt is redacted', async () => {
    fake.script({ kind: 'tool', input: modelFlow });
    const before = fake.requests.length;
    const res = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'Teams camera not detected; admin password is Sup3r-Secret-99' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ origin: 'model', tier: 'deep', repaired: false, draft: { title: 'Teams camera not detected' } });
    expect(fake.requests[before]!.body.tool_choice).toEqual({ type: 'tool', name: 'propose_flow' });
    expect(fake.requests[before]!.raw).not.toContain('Sup3r-Secret-99');
  });

  it('repairs an invalid model flow once, naming the bad node', async () => {
    const broken = structuredClone(modelFlow);
    broken.graph.nodes[0]!.options[0]!.next = 'nowhere';
    fake.script({ kind: 'tool', input: broken }, { kind: 'tool', input: modelFlow });
    const before = fake.requests.length;
    const res = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'Teams camera not detected' } });
    expect(res.body).toMatchObject({ origin: 'model', repaired: true });
    const repair = fake.requests[before + 1]!.body.messages[2].content[0];
    expect(repair).toMatchObject({ type: 'tool_result', is_error: true });
    expect(repair.content).toContain('"nowhere"');
  });

  it('rejects with reasons when the repair is invalid too', async () => {
    const broken = structuredClone(modelFlow);
    broken.graph.start = 'missing';
    fake.script({ kind: 'tool', input: broken }, { kind: 'tool', input: broken });
    const res = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'Teams camera not detected' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_flow');
    expect(res.body.error.message).toContain('"missing"');
  });

  it('answers offline when the provider is down', async () => {
    fake.script({ kind: 'error', status: 529 }, { kind: 'error', status: 529 }, { kind: 'error', status: 529 });
    const res = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'VPN will not connect from home' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ origin: 'offline', tier: 'offline' });
    expect(res.body.fallbackReason).toMatch(/^overloaded/);
    expect(graphProblems(res.body.draft.graph, res.body.draft.kind)).toEqual([]);
  });

  it('streams with Accept: text/event-stream: a step per node in order, then the same answer as JSON', async () => {
    const sse = { Accept: 'text/event-stream' };
    fake.script({ kind: 'tool', input: modelFlow });
    const json = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'Teams camera not detected' } });
    fake.script({ kind: 'tool', input: modelFlow });
    const before = fake.requests.length;
    fake.setStreamDelay(15);
    const res = await ai.app.request('/v1/flows/generate', {
      method: 'POST',
      headers: { ...sse, Authorization: `Bearer ${aiAdmin.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'Teams camera not detected' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    // Read as it arrives: the first step comes while the model is still writing, well before the result.
    let text = '';
    const arrived: Record<string, number> = {};
    const decoder = new TextDecoder();
    for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      for (const e of ['step', 'result']) if (text.includes(`event: ${e}`)) arrived[e] ??= performance.now();
    }
    fake.setStreamDelay(0);
    expect(arrived.result! - arrived.step!).toBeGreaterThan(300);
    expect(fake.requests[before]!.body.stream).toBe(true); // the model's answer itself was streamed
    const events = parseSse(text);
    expect(events.map((e) => e.event)).toEqual([...modelFlow.graph.nodes.map(() => 'step'), 'result']);
    expect(events.slice(0, -1).map((e) => e.data)).toEqual(modelFlow.graph.nodes.map((n) => ({ id: n.id, kind: n.kind, title: n.title })));
    expect(events.at(-1)!.data).toEqual(json.body);
  });

  it('streams offline too: the skeleton’s steps, then the draft; a rejected draft is an error event', async () => {
    const res = await offline.request('POST', '/v1/flows/generate', { token: offAdmin.token, body: { prompt: 'Zebra label scanner beeps twice and stops' }, headers: { Accept: 'text/event-stream' } });
    const events = parseSse(res.text);
    const result = events.at(-1)!;
    expect(result.event).toBe('result');
    expect(result.data).toMatchObject({ origin: 'offline', tier: 'offline' });
    expect(events.slice(0, -1).map((e) => [e.event, e.data.id])).toEqual(result.data.draft.graph.nodes.map((n: { id: string }) => ['step', n.id]));

    const broken = structuredClone(modelFlow);
    broken.graph.start = 'missing';
    fake.script({ kind: 'tool', input: broken }, { kind: 'tool', input: broken });
    const rejected = await ai.request('POST', '/v1/flows/generate', { token: aiAdmin.token, body: { prompt: 'Teams camera not detected' }, headers: { Accept: 'text/event-stream' } });
    const last = parseSse(rejected.text).at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.error.code).toBe('invalid_flow');
    expect(last.data.error.message).toContain('"missing"');
  });

  it('is not for viewers', async () => {
    const viewer = await offline.addUser(offAdmin, 'viewer');
    expect((await offline.request('POST', '/v1/flows/generate', { token: viewer.token, body: { prompt: 'anything at all' } })).status).toBe(403);
  });
});

describe('knowledge flywheel', () => {
  async function workedTicket(ctx: TestContext, who: Registered, summary: string, events: [string, string][], rootCause: string) {
    const s = await ctx.openSession(who, { summary });
    for (const [kind, text] of events) {
      const r = await ctx.request('POST', `/v1/sessions/${s.id}/events`, { token: who.token, body: { kind, text } });
      expect(r.status).toBe(201);
    }
    const r = await ctx.request('POST', `/v1/sessions/${s.id}/resolve`, { token: who.token, body: { rootCause } });
    expect(r.status, r.text).toBeLessThan(300);
    return s.id as string;
  }

  it('proposes a flow from a cluster of similar resolved sessions; approve makes it a flow; team admins only', async () => {
    const ids = [
      await workedTicket(offline, offAdmin, 'QuickBooks will not open company file over network', [
        ['observation', 'QuickBooks error H202 when opening the company file'],
        ['command', 'Restart-Service QuickBooksDBXX'],
        ['note', 'Ran QuickBooks File Doctor on the server'],
      ], 'QuickBooks Database Server Manager service stopped on the file server'),
      await workedTicket(offline, offAdmin, 'QuickBooks company file will not open, H202', [
        ['observation', 'QuickBooks error H202 opening the company file'],
        ['command', 'Restart-Service QuickBooksDBXX'],
      ], 'Database Server Manager service stopped'),
      await workedTicket(offline, offAdmin, 'Cannot open QuickBooks company file in multi-user mode', [
        ['note', 'Checked hosting mode on workstation'],
        ['command', 'Restart-Service QuickBooksDBXX'],
        ['note', 'Ran QuickBooks File Doctor on the server'],
      ], 'QuickBooks Database Server Manager service was stopped'),
      await workedTicket(offline, offAdmin, 'Printer toner low warning', [['note', 'Ordered toner']], 'Toner cartridge empty'),
    ];
    const engineer = await offline.addUser(offAdmin, 'engineer');
    expect((await offline.request('POST', '/v1/flow-proposals/analyse', { token: engineer.token, body: {} })).status).toBe(403);
    expect((await offline.request('GET', '/v1/flow-proposals', { token: engineer.token })).status).toBe(403);

    const analysed = await offline.request('POST', '/v1/flow-proposals/analyse', { token: offAdmin.token, body: {} });
    expect(analysed.status, analysed.text).toBe(201);
    expect(analysed.body.proposals).toHaveLength(1);
    const p = analysed.body.proposals[0];
    expect(p.origin).toBe('offline');
    expect(p.sourceSessionIds.sort()).toEqual(ids.slice(0, 3).sort());
    expect(p.title).toMatch(/QuickBooks/);
    expect(graphProblems(p.graph, p.kind)).toEqual([]);
    const commands = p.graph.nodes.map((n: { command?: string }) => n.command).filter(Boolean);
    expect(commands).toContain('Restart-Service QuickBooksDBXX');
    expect(JSON.stringify(p.graph)).toContain('File Doctor');
    expect(p.graph.nodes.find((n: { kind: string }) => n.kind === 'solution').title).toMatch(/Database Server Manager/);

    // The same sessions are never proposed twice.
    const again = await offline.request('POST', '/v1/flow-proposals/analyse', { token: offAdmin.token });
    expect(again.status, again.text).toBe(200);
    expect(again.body.proposals).toHaveLength(0);

    const list = await offline.request('GET', '/v1/flow-proposals', { token: offAdmin.token });
    expect(list.body.proposals.map((x: { id: string }) => x.id)).toContain(p.id);

    const approved = await offline.request('POST', `/v1/flow-proposals/${p.id}/approve`, { token: offAdmin.token });
    expect(approved.status, approved.text).toBe(201);
    expect(approved.body.proposal).toMatchObject({ status: 'approved', flowId: approved.body.flow.id });
    const flow = await offline.request('GET', `/v1/flows/${approved.body.flow.id}`, { token: offAdmin.token });
    expect(flow.body.flow.title).toBe(p.title);
    expect((await offline.request('POST', `/v1/flow-proposals/${p.id}/dismiss`, { token: offAdmin.token })).status).toBe(409);
  });

  it('uses the model’s flow when a key is set and it validates, and dismiss works', async () => {
    for (const n of [1, 2, 3]) {
      await workedTicket(ai, aiAdmin, `Teams camera not detected on laptop ${n}`, [['note', 'Camera privacy setting was off'], ['command', 'Get-PnpDevice -Class Camera']], 'Windows camera privacy setting disabled');
    }
    fake.script({ kind: 'tool', input: modelFlow });
    const analysed = await ai.request('POST', '/v1/flow-proposals/analyse', { token: aiAdmin.token, body: {} });
    expect(analysed.status).toBe(201);
    const p = analysed.body.proposals[0];
    expect(p).toMatchObject({ origin: 'model', title: 'Teams camera not detected' });
    const dismissed = await ai.request('POST', `/v1/flow-proposals/${p.id}/dismiss`, { token: aiAdmin.token });
    expect(dismissed.body.proposal.status).toBe('dismissed');
    const [usage] = await ai.owner`select feature, tier from ai_usage where account_id = ${aiAdmin.accountId} and feature = 'flywheel'`;
    expect(usage).toMatchObject({ feature: 'flywheel', tier: 'deep' });
  });
});
