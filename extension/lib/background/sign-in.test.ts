// @vitest-environment node
// Signing in to another API address: a failed try changes nothing, a successful one leaves the old server's tokens behind. Two loopback servers record what they receive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { apiBaseItem, queueItem, syncStatusItem, tokensItem } from '../common/storage';
import { createBackgroundServices } from './services';

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  body: string;
}

/** A FlowPilot API stand-in on 127.0.0.1 that records every request; `password` is the one it accepts. */
async function recordingServer(name: string, password: string) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization ?? null, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const parsed = body ? (JSON.parse(body) as Record<string, string>) : {};
      if (req.url === '/v1/auth/login') {
        if (parsed.password !== password) return send(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password' } });
        return send(200, { accessToken: `access-${name}`, refreshToken: `refresh-${name}`, user: { id: `u-${name}`, name, email: parsed.email, role: 'engineer' } });
      }
      if (req.url === '/v1/auth/refresh') return send(200, { accessToken: `access-${name}-2`, refreshToken: `refresh-${name}-2`, user: { id: `u-${name}` } });
      if (req.url === '/v1/auth/logout') return send(204, null);
      if (req.headers.authorization !== `Bearer access-${name}`) return send(401, { error: { code: 'unauthorized', message: 'no' } });
      return send(200, { user: { id: `u-${name}` } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('signing in to another API address', () => {
  let a: Awaited<ReturnType<typeof recordingServer>>;
  let b: Awaited<ReturnType<typeof recordingServer>>;

  beforeEach(async () => {
    fakeBrowser.reset();
    a = await recordingServer('A', 'pw-a');
    b = await recordingServer('B', 'pw-b');
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('keeps the old address and its tokens away from a server where sign-in failed, and drops them once it succeeds', async () => {
    const bg = createBackgroundServices({ fetch: globalThis.fetch });
    expect((await bg.signIn({ apiBase: a.url, email: 'e@x', password: 'pw-a' })).ok).toBe(true);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-A', refreshToken: 'refresh-A' });

    // A typo'd (or hostile) address: the sign-in there fails.
    const failed = await bg.signIn({ apiBase: b.url, email: 'e@x', password: 'wrong' });
    expect(failed).toMatchObject({ ok: false, error: { status: 401, code: 'invalid_credentials' } });
    expect(await apiBaseItem.getValue()).toBe(a.url);
    expect((await bg.accountState()).apiBase).toBe(a.url);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-A', refreshToken: 'refresh-A' });

    // The background keeps working against A: a call with the bearer token, and a token refresh.
    expect((await bg.call('me', undefined)).ok).toBe(true);
    expect(await bg.api.refresh()).toBe(true);
    expect(a.seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/auth/login', 'GET /v1/me', 'POST /v1/auth/refresh']);
    expect(a.seen[1]!.authorization).toBe('Bearer access-A');

    // B saw the one failed login, and nothing of A's.
    expect(b.seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/auth/login']);
    expect(b.seen.every((r) => r.authorization === null)).toBe(true);
    expect(JSON.stringify(b.seen)).not.toMatch(/access-A|refresh-A/);

    // A write waiting for A (its session lives there).
    await queueItem.setValue([
      { id: 'w1', idempotencyKey: 'k1', method: 'POST', path: '/v1/sessions/s/facts', body: { text: 'typed for A' }, label: 'Add fact', enqueuedAt: 1, attempts: 1 },
    ]);

    // Now a real sign-in at B: A's tokens are gone (revoked at A, the server that issued them), B's are stored.
    expect((await bg.signIn({ apiBase: b.url, email: 'e@x', password: 'pw-b' })).ok).toBe(true);
    expect(await apiBaseItem.getValue()).toBe(b.url);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-B', refreshToken: 'refresh-B' });
    expect(a.seen.at(-1)).toMatchObject({ method: 'POST', path: '/v1/auth/logout', authorization: null });
    expect(JSON.parse(a.seen.at(-1)!.body)).toEqual({ refreshToken: 'refresh-A-2' });
    expect((await bg.call('me', undefined)).ok).toBe(true);
    expect(b.seen.at(-1)).toMatchObject({ method: 'GET', path: '/v1/me', authorization: 'Bearer access-B' });
    expect(JSON.stringify(b.seen)).not.toMatch(/access-A|refresh-A|typed for A/);
    // The write meant for A is not replayed to B, and the panel says so.
    expect(await queueItem.getValue()).toEqual([]);
    expect((await syncStatusItem.getValue()).failed).toEqual([expect.objectContaining({ label: 'Add fact', message: expect.stringMatching(/another API address/) })]);
  });

  it('a failed sign-in at the same address changes nothing either', async () => {
    const bg = createBackgroundServices({ fetch: globalThis.fetch });
    expect((await bg.signIn({ apiBase: a.url, email: 'e@x', password: 'pw-a' })).ok).toBe(true);
    expect((await bg.signIn({ apiBase: `${a.url}/`, email: 'e@x', password: 'nope' })).ok).toBe(false);
    expect(await apiBaseItem.getValue()).toBe(a.url);
    expect(await tokensItem.getValue()).toEqual({ accessToken: 'access-A', refreshToken: 'refresh-A' });
  });
});
