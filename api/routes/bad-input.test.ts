// Bad input gets a documented 4xx with the error shape, never a 5xx, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Registered, type TestContext } from '../test/harness.js';

let t: TestContext;
let a: Registered;
let sessionId: string;
beforeAll(async () => {
  t = await createTestContext({ env: { BODY_LIMIT_BYTES: '65536' } });
  a = await t.register('badinput');
  sessionId = (await t.openSession(a)).id;
});
afterAll(() => t.close());

const shape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('bad input', () => {
  it.each([
    ['wrong types', 'POST', '/v1/sessions', { ticket: { externalId: 123456 } }],
    ['a ticket number that is not a number', 'POST', '/v1/sessions', { ticket: { externalId: 'DROP TABLE' } }],
    ['missing fields', 'POST', '/v1/auth/register', { email: 'x@example.test' }],
    ['a short password', 'POST', '/v1/auth/register', { accountName: 'A', name: 'B', email: 'short@example.test', password: 'short' }],
    ['an unknown event kind', 'POST', '/sessions/events', { kind: 'shell', text: 'x' }],
    ['an empty fact', 'POST', '/sessions/facts', { text: '   ' }],
    ['an out-of-range confidence', 'POST', '/sessions/fixes', { title: 'x', confidence: 7 }],
    ['an unknown decision', 'POST', '/sessions/fixes/00000000-0000-4000-8000-000000000000/decision', { decision: 'maybe' }],
    ['an unknown settings key', 'PUT', '/v1/settings', { theme: 'dark' }],
    ['a body that is an array', 'POST', '/sessions/facts', ['text']],
  ])('answers 400 for %s', async (_label, method, path, body) => {
    const res = await t.request(method, path.replace('/sessions/', `/v1/sessions/${sessionId}/`), { token: a.token, body });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await t.request('POST', `/v1/sessions/${sessionId}/facts`, { token: a.token, rawBody: '{"text": "unterminated' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape);
  });

  it('answers 400 for a bad query string and a bad id', async () => {
    expect((await t.request('GET', '/v1/sessions?status=sleeping', { token: a.token })).status).toBe(400);
    const res = await t.request('GET', '/v1/sessions/not-a-uuid', { token: a.token });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('session id');
  });

  it('answers 413 for an oversized body and stores nothing', async () => {
    const res = await t.request('POST', `/v1/sessions/${sessionId}/events`, { token: a.token, body: { kind: 'note', text: 'x'.repeat(70_000) } });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(shape);
    const s = await t.request('GET', `/v1/sessions/${sessionId}`, { token: a.token });
    expect(s.body.session.lane).toEqual([]);
  });

  it('answers 404 with the error shape for unknown ids and unknown routes', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/v1/sessions/${unknown}`, `/v1/sessions/${unknown}/facts`, '/v1/nothing-here']) {
      const res = await t.request('GET', path, { token: a.token });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(shape);
    }
  });

  it('never answers with a stack trace', async () => {
    const res = await t.request('POST', '/v1/sessions', { token: a.token, rawBody: '\u0000\u0001' });
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('request ids and logs', () => {
  it('returns a request id and logs one structured line per request without secrets', async () => {
    const res = await t.request('GET', '/v1/me', { token: a.token, headers: { 'X-Request-Id': 'trace-123' } });
    expect(res.headers.get('X-Request-Id')).toBe('trace-123');
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-123');
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/v1/me', status: 200 });
    expect(JSON.stringify(line)).not.toContain(a.token);
  });
});
