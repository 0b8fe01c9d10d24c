// POST /v1/sessions/:id/suggest end to end through the real Anthropic SDK and the loopback fake; GET /v1/usage.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicFake, type AnthropicFake } from '../test/fakes/anthropic.js';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';
import { createAnthropicProvider } from '../services/ai/anthropic.js';
import { suggest as suggestService } from '../services/ai/suggest.js';

let fake: AnthropicFake;
let ai: TestContext; // with a model key pointed at the fake
let offline: TestContext; // no key at all
let admin: Registered;
let outlookFlowId: string;

beforeAll(async () => {
  fake = await startAnthropicFake();
  ai = await createTestContext({
    deps: { ai: { llm: createAnthropicProvider({ apiKey: 'sk-ant-test-key', baseUrl: fake.url, retry: { baseDelayMs: 5 } }) } },
  });
  offline = await createTestContext();
  admin = await ai.register('copilot');
  const flows = await ai.request('GET', '/v1/flows?q=outlook password', { token: admin.token });
  outlookFlowId = flows.body.flows[0].id;
});
beforeEach(() => fake.clearScript());
afterAll(async () => {
  await ai.close();
  await offline.close();
  await fake.close();
});

async function usageRows(ctx: TestContext, sessionId: string) {
  return ctx.owner<{ tier: string; routed_tier: string; provider: string; model: string | null; outcome: string; input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number; cost_usd: string; latency_ms: number }[]>`
    select * from ai_usage where session_id = ${sessionId} order by created_at`;
}

const suggest = (ctx: TestContext, who: Registered, id: string, body: unknown = {}) => ctx.request('POST', `/v1/sessions/${id}/suggest`, { token: who.token, body });

describe('routing end to end', () => {
  it('answers offline without a key, and records an offline usage row', async () => {
    const me = await offline.register('nokey');
    const s = await offline.openSession(me, { summary: 'Printer offline, jobs stuck in the queue' });
    const res = await suggest(offline, me, s.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'offline', model: null });
    expect(res.body.routing.reasons).toContain('no model key is configured');
    const rows = await usageRows(offline, s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tier: 'offline', provider: 'offline', outcome: 'ok', input_tokens: 0 });
  });

  it('keeps an obvious flow step offline even with a key: nothing goes to the model', async () => {
    const before = fake.requests.length;
    const started = await ai.request('POST', '/v1/sessions', {
      token: admin.token,
      body: { ticket: { externalId: '7100000', summary: 'Outlook prompts for the password' }, flowId: outlookFlowId },
    });
    expect(started.status).toBe(201);
    const res = await suggest(ai, admin, started.body.session.id);
    expect(res.status).toBe(200);
    expect(res.body.tier).toBe('offline');
    expect(res.body.nextStep.nodeId).toBe(started.body.session.currentNodeId);
    expect(fake.requests.length).toBe(before);
    expect((await usageRows(ai, started.body.session.id))[0]).toMatchObject({ tier: 'offline', routed_tier: 'offline' });
  });

  it('sends a flow the notes have outgrown to the fast model, with prompt caching and usage', async () => {
    const started = await ai.request('POST', '/v1/sessions', {
      token: admin.token,
      body: { ticket: { externalId: '7100001', summary: 'Outlook keeps asking for a password', description: 'Since Monday, only on one PC.' }, flowId: outlookFlowId },
    });
    const id = started.body.session.id;
    const notes: string[] = [];
    for (const text of ['Webmail works fine', 'Credential manager has two entries for the mailbox', 'Modern auth registry key is 0']) {
      const ev = await ai.request('POST', `/v1/sessions/${id}/events`, { token: admin.token, body: { kind: 'observation', text } });
      notes.push(ev.body.item.id);
    }
    fake.script(
      {
        kind: 'tool',
        input: {
          nextStep: { title: 'Set EnableADAL=1 and restart Outlook', why: 'modern auth is off' },
          facts: [{ text: 'Modern authentication is disabled in the registry', sourceRef: `lane:${notes[2]}` }],
          fix: { title: 'Re-enable modern authentication', body: 'reg add HKCU\\Software\\Microsoft\\Office\\16.0\\Common\\Identity /v EnableADAL /t REG_DWORD /d 1 /f', confidence: 0.7 },
          confidence: 0.7,
          rationale: 'Webmail works, so the account is fine; the client cannot use modern auth.',
        },
        outputTokens: 180,
      },
      { kind: 'tool', input: { facts: [], confidence: 0.72, rationale: 'Same as before.' } },
    );
    const before = fake.requests.length;
    const res = await suggest(ai, admin, id);
    expect(res.status).toBe(200);
    expect(res.body, JSON.stringify(res.body.routing)).toMatchObject({ tier: 'fast', model: 'claude-haiku-4-5', band: 'exploring', confidence: 0.7 });
    expect(res.body.facts[0]).toEqual(expect.objectContaining({ sourceRef: `lane:${notes[2]}` }));
    expect(res.body.fix.title).toBe('Re-enable modern authentication');
    const sent = fake.requests[before]!;
    expect(sent.body.model).toBe('claude-haiku-4-5');
    expect(sent.headers.authorization).toBe('Bearer sk-ant-test-key');
    expect(sent.body.tool_choice).toEqual({ type: 'tool', name: 'propose_suggestion' });
    expect(sent.body.system[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.body.messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.body.messages[0].content[0].text).toContain('Outlook keeps asking for a password');
    expect(sent.body.messages[0].content[1].text).toContain(`lane:${notes[0]}`);

    const again = await suggest(ai, admin, id);
    expect(again.body.tier).toBe('fast');
    const rows = await usageRows(ai, id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ tier: 'fast', provider: 'anthropic', model: 'claude-haiku-4-5', outcome: 'ok', output_tokens: 180 });
    expect(rows[0]!.input_tokens).toBeGreaterThan(0);
    expect(rows[0]!.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(Number(rows[0]!.cost_usd)).toBeGreaterThan(0);
    // The stable prefix (instructions, ticket, flow) is read from the cache on the next call.
    expect(rows[1]!.cache_read_input_tokens).toBe(rows[0]!.cache_creation_input_tokens);
  });

  it('sends a ticket no flow matches to the deep model named in settings', async () => {
    const put = await ai.request('PUT', '/v1/settings', { token: admin.token, body: { ai: { deepModel: 'claude-opus-4-5' } } });
    expect(put.status).toBe(200);
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor emits a strange smell near reception' });
    const before = fake.requests.length;
    const res = await suggest(ai, admin, s.id);
    expect(res.body).toMatchObject({ tier: 'deep', model: 'claude-opus-4-5' });
    expect(fake.requests[before]!.body.model).toBe('claude-opus-4-5');
    expect((await usageRows(ai, s.id))[0]).toMatchObject({ tier: 'deep', model: 'claude-opus-4-5', outcome: 'ok' });
    await ai.request('PUT', '/v1/settings', { token: admin.token, body: { ai: { deepModel: 'claude-sonnet-4-6' } } });
  });

  it('honours an explicit tier from the panel', async () => {
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell' });
    const res = await suggest(ai, admin, s.id, { tier: 'offline' });
    expect(res.body.tier).toBe('offline');
    const bad = await suggest(ai, admin, s.id, { tier: 'turbo' });
    expect(bad.status).toBe(400);
  });
});

describe('structured output', () => {
  it('repairs an invalid answer once', async () => {
    const s = await ai.openSession(admin, { summary: 'Strange noise from the server room rack' });
    fake.script(
      { kind: 'tool', input: { facts: [{ text: 'Fan failing', sourceRef: 'lane:li_000000000000' }], rationale: 'no confidence given' } },
      { kind: 'tool', input: { facts: [{ text: 'A fan may be failing', sourceRef: 'ticket' }], confidence: 0.3, rationale: 'Noise suggests a fan.' } },
    );
    const before = fake.requests.length;
    const res = await suggest(ai, admin, s.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'deep', band: 'discovery', facts: [{ text: 'A fan may be failing', sourceRef: 'ticket' }] });
    expect(fake.requests.length).toBe(before + 2);
    const repair = fake.requests[before + 1]!.body.messages;
    expect(repair).toHaveLength(3);
    expect(repair[1].content[0].type).toBe('tool_use');
    expect(repair[2].content[0]).toMatchObject({ type: 'tool_result', is_error: true });
    expect(repair[2].content[0].content).toMatch(/confidence/);
    expect(repair[2].content[0].content).toMatch(/sourceRef/);
    expect((await usageRows(ai, s.id))[0]).toMatchObject({ outcome: 'repaired', tier: 'deep' });
  });

  it('falls back to the offline copilot when the repair is invalid too', async () => {
    const s = await ai.openSession(admin, { summary: 'Strange noise from the server room rack again' });
    fake.script({ kind: 'tool', input: { confidence: 7 } }, { kind: 'text', text: 'I think it is a fan.' });
    const res = await suggest(ai, admin, s.id);
    expect(res.status).toBe(200);
    expect(res.body.tier).toBe('offline');
    expect(res.body.routing.tier).toBe('deep');
    expect(res.body.routing.fallbackReason).toMatch(/^invalid_output/);
    const [row] = await usageRows(ai, s.id);
    expect(row).toMatchObject({ tier: 'offline', routed_tier: 'deep', outcome: 'fallback', provider: 'anthropic' });
    expect(row!.input_tokens).toBeGreaterThan(0); // the failed calls were still paid for
  });
});

/** A minimal instance of a JSON schema, choosing the first allowed non-null value: what a model that follows the declared schema exactly would send. */
function instanceOf(schema: any): unknown {
  if (schema.anyOf) return instanceOf(schema.anyOf.find((s: any) => s.type !== 'null') ?? schema.anyOf[0]);
  if (schema.enum) return schema.enum.find((v: unknown) => v !== null) ?? null;
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== 'null') ?? 'null') : schema.type;
  if (type === 'null') return null;
  if (type === 'number') return 0.6;
  if (type === 'string') return 'Schema-following text';
  if (type === 'array') return [instanceOf(schema.items)];
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, instanceOf(v)]));
}

/** Every object closed and every property required: what strict tool use demands. */
function expectStrict(schema: any, path = '$'): void {
  if (schema.anyOf) return schema.anyOf.forEach((s: any, i: number) => expectStrict(s, `${path}|${i}`));
  if (schema.type === 'object') {
    expect(schema.additionalProperties, path).toBe(false);
    expect([...schema.required].sort(), path).toEqual(Object.keys(schema.properties).sort());
    for (const [k, v] of Object.entries(schema.properties)) expectStrict(v, `${path}.${k}`);
  }
  if (schema.type === 'array') expectStrict(schema.items, `${path}[]`);
}

describe('model answers are used', () => {
  it('uses an answer that follows the declared schema exactly: node and option ids are enums, the tool is strict', async () => {
    const started = await ai.request('POST', '/v1/sessions', {
      token: admin.token,
      body: { ticket: { externalId: '7100050', summary: 'Outlook keeps asking for a password', description: 'Only on one PC.' }, flowId: outlookFlowId },
    });
    const id = started.body.session.id;
    const node = started.body.session.currentNodeId;
    for (const text of ['Webmail works fine', 'Two entries in Credential Manager', 'Modern auth key is 0']) {
      await ai.request('POST', `/v1/sessions/${id}/events`, { token: admin.token, body: { kind: 'observation', text } });
    }
    const original = fake.fallback;
    fake.fallback = (body: any) => ({ kind: 'tool', input: instanceOf(body.tools[0].input_schema) });
    try {
      const before = fake.requests.length;
      const res = await suggest(ai, admin, id);
      expect(res.status).toBe(200);
      const tool = fake.requests[before]!.body.tools[0];
      expect(tool.strict).toBe(true);
      expectStrict(tool.input_schema);
      const step = tool.input_schema.properties.nextStep.anyOf[0].properties;
      expect(step.nodeId.enum).toEqual([node, null]);
      expect(step.optionId.enum).toContain(null);
      expect(step.optionId.enum.length).toBeGreaterThan(1);
      expect(tool.input_schema.properties.facts.items.properties.sourceRef.enum[0]).toBe('ticket');
      // The model's answer, not the offline one: its node, its fact, its fix.
      expect(res.body).toMatchObject({ tier: 'fast', model: 'claude-haiku-4-5', confidence: 0.6, rationale: 'Schema-following text' });
      expect(res.body.nextStep).toMatchObject({ title: 'Schema-following text', nodeId: node });
      expect(res.body.facts).toEqual([expect.objectContaining({ text: 'Schema-following text', sourceRef: 'ticket' })]);
      expect(res.body.fix).toMatchObject({ title: 'Schema-following text', confidence: 0.6 });
      expect(res.body.routing).toMatchObject({ fallbackReason: null, droppedFields: [] });
      expect(fake.requests.length).toBe(before + 1); // no repair round was paid for
      expect((await usageRows(ai, id)).at(-1)).toMatchObject({ tier: 'fast', outcome: 'ok' });
    } finally {
      fake.fallback = original;
    }
  });

  it('says null where there is no flow, and drops only the one field that is still invalid', async () => {
    const s = await ai.openSession(admin, { summary: 'Strange clicking noise from the reception rack' });
    fake.script({
      kind: 'tool',
      input: {
        nextStep: { title: 'Open the rack and listen to each fan', why: 'clicking is mechanical', nodeId: 'made_up_node', optionId: null },
        facts: [
          { text: 'The noise comes from the reception rack', sourceRef: 'ticket', why: null },
          { text: 'Invented provenance', sourceRef: 'lane:li_ffffffffffff', why: null },
        ],
        fix: { title: 'Replace the failing fan', body: 'Swap the PSU fan; verify the noise stops.', confidence: null },
        confidence: 0.55,
        rationale: 'Clicking from a rack is usually a fan bearing.',
      },
    });
    const before = fake.requests.length;
    const res = await suggest(ai, admin, s.id);
    expect(res.status).toBe(200);
    const step = fake.requests[before]!.body.tools[0].input_schema.properties.nextStep.anyOf[0].properties;
    expect(step.nodeId.type).toBe('null');
    expect(res.body.tier).toBe('deep');
    expect(res.body.nextStep).toEqual({ title: 'Open the rack and listen to each fan', why: 'clicking is mechanical' });
    expect(res.body.facts).toEqual([expect.objectContaining({ text: 'The noise comes from the reception rack', sourceRef: 'ticket' })]);
    expect(res.body.fix).toMatchObject({ title: 'Replace the failing fan', confidence: 0.55 });
    expect(res.body.routing.droppedFields.join('\n')).toMatch(/nextStep\.nodeId/);
    expect(res.body.routing.droppedFields.join('\n')).toMatch(/facts\.1\.sourceRef/);
    expect(res.body.routing.fallbackReason).toBeNull();
    expect(fake.requests.length).toBe(before + 1);
  });
});

describe('provider failures', () => {
  it('retries 429 with retry-after, then answers', async () => {
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell, second site' });
    fake.script({ kind: 'error', status: 429, retryAfter: 0 }, { kind: 'tool', input: { facts: [], confidence: 0.5, rationale: 'ok' } });
    const res = await suggest(ai, admin, s.id);
    expect(res.body.tier).toBe('deep');
  });

  it('answers offline (never a 5xx) when the provider stays overloaded', async () => {
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell, third site' });
    fake.script({ kind: 'error', status: 529 }, { kind: 'error', status: 529 }, { kind: 'error', status: 529 });
    const res = await suggest(ai, admin, s.id);
    expect(res.status).toBe(200);
    expect(res.body.tier).toBe('offline');
    expect(res.body.routing.fallbackReason).toMatch(/^overloaded/);
    expect((await usageRows(ai, s.id))[0]).toMatchObject({ outcome: 'fallback', tier: 'offline' });
  });

  it('answers offline when the model hangs past the deadline', async () => {
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell, hanging model' });
    fake.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const res = await suggestService({
      llm: ai.deps.ai!.llm,
      log: ai.deps.log,
      accountId: admin.accountId,
      userId: admin.userId,
      sessionId: s.id,
      tenant: (fn) => ai.db.tenant({ accountId: admin.accountId, userId: admin.userId }, fn),
      timeouts: { fast: 150, deep: 150 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.tier).toBe('offline');
    expect(res.routing.fallbackReason).toMatch(/^timeout/);
  });

  it('answers offline when the provider cannot be reached at all', async () => {
    const down = await createTestContext({ env: { ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    try {
      const me = await down.register('down');
      const s = await down.openSession(me, { summary: 'Quantum flux capacitor smell' });
      const res = await suggest(down, me, s.id);
      expect(res.status).toBe(200);
      expect(res.body.tier).toBe('offline');
      expect(res.body.routing.fallbackReason).toMatch(/^network/);
      expect(down.logs.join('\n')).not.toContain('sk-ant-x');
    } finally {
      await down.close();
    }
  });
});

describe('privacy', () => {
  it('never sends a secret typed into a fact or the ticket to the model', async () => {
    await ai.request('PUT', '/v1/settings', { token: admin.token, body: { redaction: { words: ['ACME-INTERNAL-7731'] } } });
    const s = await ai.openSession(admin, {
      summary: 'Quantum flux capacitor smell after the ACME-INTERNAL-7731 rollout',
      description: 'User said: my password is Tr0ub4dor&3 and the API key sk-live-abcdefghijklmnop1234',
    });
    await ai.request('POST', `/v1/sessions/${s.id}/facts`, { token: admin.token, body: { text: 'Admin password: Hunter2-Secret!', sourceRef: 'ticket' } });
    const before = fake.requests.length;
    const res = await suggest(ai, admin, s.id);
    expect(res.body.tier).toBe('deep');
    const sent = fake.requests.slice(before).map((r) => r.raw).join('\n');
    expect(sent.length).toBeGreaterThan(0);
    for (const secret of ['Tr0ub4dor&3', 'sk-live-abcdefghijklmnop1234', 'Hunter2-Secret!', 'ACME-INTERNAL-7731']) expect(sent).not.toContain(secret);
    expect(sent).toMatch(/\[redacted /i);
  });
});

describe('SSE', () => {
  async function readEvents(res: Response) {
    const text = await res.text();
    return text
      .split('\n\n')
      .filter((b) => b.trim())
      .map((b) => {
        const event = /^event: (.*)$/m.exec(b)?.[1];
        const id = /^id: (.*)$/m.exec(b)?.[1];
        const data = b
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        return { event, id: Number(id), data: JSON.parse(data) };
      });
  }

  it('streams routing, deltas in order, the suggestion, then done', async () => {
    const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell, streamed' });
    fake.script({ kind: 'tool', input: { facts: [{ text: 'Smell near reception', sourceRef: 'ticket' }], confidence: 0.35, rationale: 'Streamed answer with some length to it.' } });
    const res = await ai.app.request(`/v1/sessions/${s.id}/suggest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.token}`, Accept: 'text/event-stream', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await readEvents(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('routing');
    expect(names.at(-2)).toBe('suggestion');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'delta').length).toBeGreaterThan(2);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i));
    const joined = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(JSON.parse(joined)).toMatchObject({ confidence: 0.35 });
    expect(events.at(-2)!.data).toMatchObject({ tier: 'deep', facts: [{ text: 'Smell near reception' }] });
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
  });

  it('streams an offline answer as routing, suggestion, done', async () => {
    const me = await offline.register('sse-off');
    const s = await offline.openSession(me, { summary: 'VPN will not connect' });
    const res = await offline.app.request(`/v1/sessions/${s.id}/suggest`, { method: 'POST', headers: { Authorization: `Bearer ${me.token}`, Accept: 'text/event-stream' } });
    expect((await readEvents(res)).map((e) => e.event)).toEqual(['routing', 'suggestion', 'done']);
  });

  it('a client that hangs up aborts the upstream model call', async () => {
    const server = serve({ fetch: ai.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const s = await ai.openSession(admin, { summary: 'Quantum flux capacitor smell, abandoned' });
      fake.setStreamDelay(40);
      fake.script({ kind: 'tool', input: { facts: [], confidence: 0.4, rationale: 'x'.repeat(600) } });
      const before = fake.requests.length;
      const ctl = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/v1/sessions/${s.id}/suggest`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin.token}`, Accept: 'text/event-stream', 'Content-Type': 'application/json' },
        body: '{}',
        signal: ctl.signal,
      });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value);
      ctl.abort();
      await expect.poll(() => fake.requests[before]?.aborted, { timeout: 5000 }).toBe(true);
      expect(fake.requests[before]!.completed).toBe(false);
      await expect.poll(async () => (await usageRows(ai, s.id))[0]?.outcome, { timeout: 5000 }).toBe('aborted');
    } finally {
      fake.setStreamDelay(0);
      server.close();
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }
  });
});

describe('GET /v1/usage', () => {
  it('sums the account’s usage per month, and only its own', async () => {
    const res = await ai.request('GET', '/v1/usage', { token: admin.token });
    expect(res.status).toBe(200);
    const month = new Date().toISOString().slice(0, 7);
    const m = res.body.months.find((x: { month: string }) => x.month === month);
    expect(m.calls).toBeGreaterThan(5);
    expect(m.byTier.fast).toBeGreaterThan(0);
    expect(m.byTier.deep).toBeGreaterThan(0);
    expect(m.byTier.offline).toBeGreaterThan(0);
    expect(m.costUsd).toBeGreaterThan(0);
    const other = await ai.register('other');
    const theirs = await ai.request('GET', '/v1/usage', { token: other.token });
    expect(theirs.body.months).toEqual([]);
    expect((await ai.request('GET', '/v1/usage?from=2026-13', { token: admin.token })).status).toBe(400);
  });
});
