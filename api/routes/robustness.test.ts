// Every write route, fed garbage: a documented 4xx with the error shape, never a 5xx, nothing half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let a: Registered;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await createTestContext();
  a = await t.register('robust');
  const s = await t.openSession(a);
  const fact = await t.request('POST', `/v1/sessions/${s.id}/facts`, { token: a.token, body: { text: 'A fact' } });
  const fix = await t.request('POST', `/v1/sessions/${s.id}/fixes`, { token: a.token, body: { title: 'A fix' } });
  const flows = await t.request('GET', '/v1/flows', { token: a.token });
  ids = { id: s.id, factId: fact.body.fact.id, fixId: fix.body.fix.id, flowId: flows.body.flows[0].id, userId: a.userId };
});
afterAll(() => t.close());

const BODIES: [string, string][] = [
  ['malformed JSON', '{"text": '],
  ['an array', '[1, 2, 3]'],
  ['a string', '"hello"'],
  ['null', 'null'],
  ['wrong types everywhere', JSON.stringify({ text: 42, title: [], kind: {}, decision: 7, ticket: 'x', flowId: 12, status: true, format: 9, reason: {}, refreshToken: 5, email: 1, password: [], name: null, graph: 'x', prompt: 3, mappings: 'x', site: 4, noteFormat: 1 })],
  ['deeply nested junk', JSON.stringify({ a: { b: { c: { d: { e: { f: [[[[{}]]]] } } } } } })],
];

describe('every write route under garbage input', () => {
  it('answers 4xx with the error shape and never 5xx', async () => {
    const routes = t.app.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.path.startsWith('/v1/'));
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    expect(unique.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const r of unique) {
      const path = r.path
        .replace(/:action\{[^}]+\}/, 'accept')
        .replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string) => ids[name] ?? ids.id!)
        .replace(/\/\*$/, '');
      for (const [label, raw] of BODIES) {
        const res = await t.request(r.method, path, { token: a.token, rawBody: raw });
        const shaped = res.body && typeof res.body === 'object' && typeof res.body.error?.code === 'string' && typeof res.body.error?.message === 'string';
        // 2xx is fine where every field is optional (e.g. resolve); what must never happen is a 5xx or an unshaped error.
        if (res.status >= 500 || (res.status >= 400 && !shaped)) failures.push(`${r.method} ${path} with ${label}: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
