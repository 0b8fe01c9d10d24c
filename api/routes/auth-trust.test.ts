// Sign-in and registration under attack: atomic throttling, per-address registration limits that a
// spoofed X-Forwarded-For cannot dodge, and scrypt at today's cost with rehash on sign-in.
import { randomBytes, randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type RunningApi } from '../test/api-server.js';
import { createTestContext, type TestContext } from '../test/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

/** POSTs JSON over a real socket from a chosen loopback address (Linux routes all of 127/8 to lo). */
function post(api: RunningApi, path: string, body: unknown, opts: { from: string; headers?: Record<string, string> }) {
  return new Promise<{ status: number; retryAfter: string | null; body: any }>((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      { host: '127.0.0.1', port: api.port, path, method: 'POST', localAddress: opts.from, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...opts.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers['retry-after'] as string | undefined) ?? null, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** A loopback address no other test uses, so per-address counts start from zero. */
const freshLoopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const randomPublicIp = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const registration = () => ({ accountName: 'Burst MSP', name: 'Burst Admin', email: `reg-${randomBytes(5).toString('hex')}@example.test`, password: 'correct horse battery' });

describe('sign-in throttling', () => {
  it('lets at most the limit of a parallel burst of wrong passwords reach the password check; the rest get 429', async () => {
    const a = await t.register('burstlogin');
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => t.request('POST', '/v1/auth/login', { body: { email: a.email, password: `wrong-password-${i}` } })),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    for (const r of burst.filter((x) => x.status === 429)) expect(Number(r.headers.get('Retry-After'))).toBeGreaterThan(0);
    // And the right password is refused too while the limit holds.
    expect((await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } })).status).toBe(429);
  });

  it('does not count successful sign-ins against the limit', async () => {
    const a = await t.register('oklogin');
    for (let i = 0; i < 12; i++) expect((await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } })).status).toBe(200);
  });
});

describe('registration limit per address', () => {
  let api: RunningApi;
  let proxied: RunningApi;
  beforeAll(async () => {
    api = await startApiServer({ appUrl: inject('appUrl'), env: { REGISTRATIONS_PER_HOUR: '3' } });
    proxied = await startApiServer({ appUrl: inject('appUrl'), env: { REGISTRATIONS_PER_HOUR: '3', FLOWPILOT_TRUSTED_PROXIES: '127.0.0.0/8, ::1' } });
  });
  afterAll(async () => {
    await api?.close();
    await proxied?.close();
  });

  it('lets a parallel burst from one address register only up to the limit, then answers 429 with Retry-After', async () => {
    const from = freshLoopback();
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(api, '/v1/auth/register', registration(), { from })));
    expect(burst.filter((r) => r.status === 201)).toHaveLength(3);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await post(api, '/v1/auth/register', registration(), { from: freshLoopback() })).status).toBe(201);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy: a new spoofed address per request does not help', async () => {
    const from = freshLoopback();
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await post(api, '/v1/auth/register', registration(), { from, headers: { 'X-Forwarded-For': randomPublicIp() } })).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it('behind a trusted proxy, limits the client named in X-Forwarded-For', async () => {
    const proxy = freshLoopback();
    const client = randomPublicIp();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      // The client may prepend anything; the proxy appends what it saw.
      statuses.push((await post(proxied, '/v1/auth/register', registration(), { from: proxy, headers: { 'X-Forwarded-For': `${randomPublicIp()}, ${client}` } })).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Other clients behind the same proxy still register.
    expect((await post(proxied, '/v1/auth/register', registration(), { from: proxy, headers: { 'X-Forwarded-For': randomPublicIp() } })).status).toBe(201);
  });
});

describe('password hashing', () => {
  it('hashes new passwords with scrypt N=2^17, r=8, p=1 by default', async () => {
    const owasp = await createTestContext({ env: { FLOWPILOT_SCRYPT_LOG_N: '17' } });
    try {
      const a = await owasp.register('owasp');
      const [row] = await owasp.owner`select password_hash from users where id = ${a.userId}`;
      expect(String(row!.password_hash)).toMatch(/^scrypt\$131072\$8\$1\$/);
    } finally {
      await owasp.close();
    }
    // The default (no knob set) is the OWASP value; tests lower it only through FLOWPILOT_SCRYPT_LOG_N.
    const { loadConfig } = await import('../config.js');
    expect(loadConfig({ FLOWPILOT_SECRET_KEY: 'x'.repeat(40) }).scryptLogN).toBe(17);
  });

  it('signs in a user whose hash has older parameters and upgrades the hash', async () => {
    const a = await t.register('oldhash'); // hashed at the suite's N=2^14
    const [before] = await t.owner`select password_hash from users where id = ${a.userId}`;
    expect(String(before!.password_hash)).toMatch(/^scrypt\$16384\$/);
    const today = await createTestContext({ env: { FLOWPILOT_SCRYPT_LOG_N: '17' } });
    try {
      const first = await today.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } });
      expect(first.status).toBe(200);
      const [after] = await t.owner`select password_hash from users where id = ${a.userId}`;
      expect(String(after!.password_hash)).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect((await today.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } })).status).toBe(200);
      expect((await today.request('POST', '/v1/auth/login', { body: { email: a.email, password: 'not-the-password' } })).status).toBe(401);
    } finally {
      await today.close();
    }
  });
});
