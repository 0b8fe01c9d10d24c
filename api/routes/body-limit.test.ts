// The body limit over real HTTP (@hono/node-server), where it is decided from Content-Length without
// building a web Request, and from the bytes read when the body is chunked.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSessionOver, registerOver } from '../reliability/world.js';
import { startApiServer, type RunningApi } from '../test/api-server.js';

let api: RunningApi;
let token: string;
let sessionId: string;
beforeAll(async () => {
  api = await startApiServer({ appUrl: inject('appUrl') });
  token = (await registerOver(api.url, 'body-limit')).token;
  sessionId = await openSessionOver(api.url, token);
});
afterAll(() => api.close());

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/v1/sessions/${sessionId}/facts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);

const facts = async () => (await (await fetch(`${api.url}/v1/sessions/${sessionId}/facts`, { headers: { authorization: `Bearer ${token}` } })).json()).facts;

describe('body limit over HTTP', () => {
  it('answers 413 for a declared Content-Length over the limit and stores nothing', async () => {
    const res = await post(JSON.stringify({ text: 'x'.repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(await facts()).toEqual([]);
  });

  it('answers 413 for a chunked body over the limit', async () => {
    const big = new TextEncoder().encode(JSON.stringify({ text: 'y'.repeat(1_100_000) }));
    const stream = new ReadableStream({ start(c) { c.enqueue(big.subarray(0, 600_000)); c.enqueue(big.subarray(600_000)); c.close(); } });
    const res = await post(stream as unknown as BodyInit);
    expect(res.status).toBe(413);
    expect(await facts()).toEqual([]);
  });

  it('accepts a body within the limit, declared or chunked', async () => {
    expect((await post(JSON.stringify({ text: 'declared' }))).status).toBe(201);
    const body = new TextEncoder().encode(JSON.stringify({ text: 'chunked' }));
    const stream = new ReadableStream({ start(c) { c.enqueue(body); c.close(); } });
    expect((await post(stream as unknown as BodyInit)).status).toBe(201);
    expect((await facts()).map((f: { text: string }) => f.text).sort()).toEqual(['chunked', 'declared']);
  });
});
