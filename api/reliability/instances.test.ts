// Two API instances on one database (each its own HTTP server and pool): a token from one works on the
// other, refresh-token rotation and sign-out hold across them, and sign-in throttling counts failures on
// A towards the limit on B.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type RunningApi } from '../test/api-server.js';
import { http, openSessionOver, registerOver, type HttpAccount } from './world.js';

let A: RunningApi;
let B: RunningApi;
let acct: HttpAccount;

beforeAll(async () => {
  [A, B] = await Promise.all([startApiServer({ appUrl: inject('appUrl') }), startApiServer({ appUrl: inject('appUrl') })]);
  acct = await registerOver(A.url, 'twin');
});
afterAll(async () => {
  await A?.close();
  await B?.close();
});

describe('sessions and tokens across instances', () => {
  it('an access token issued by A works on B, and data written through A reads back through B', async () => {
    const me = await http(B.url, 'GET', '/v1/me', { token: acct.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id ?? me.body.id).toBe(acct.userId);
    const sessionId = await openSessionOver(A.url, acct.token);
    expect((await http(B.url, 'POST', `/v1/sessions/${sessionId}/facts`, { token: acct.token, body: { text: 'Written through B' } })).status).toBe(201);
    const facts = await http(A.url, 'GET', `/v1/sessions/${sessionId}/facts`, { token: acct.token });
    expect(facts.body.facts.map((f: { text: string }) => f.text)).toEqual(['Written through B']);
  });

  it('a sign-in on B yields tokens A accepts; a refresh token rotated on A cannot be replayed on B; sign-out on B ends it on A', async () => {
    const login = await http(B.url, 'POST', '/v1/auth/login', { body: { email: acct.email, password: acct.password } });
    expect(login.status).toBe(200);
    expect((await http(A.url, 'GET', '/v1/me', { token: login.body.accessToken })).status).toBe(200);

    const rotated = await http(A.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(rotated.status).toBe(200);
    // The old refresh token replayed on the other instance: refused, and the family revoked.
    expect((await http(B.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
    expect((await http(A.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);

    const again = await http(A.url, 'POST', '/v1/auth/login', { body: { email: acct.email, password: acct.password } });
    expect((await http(B.url, 'POST', '/v1/auth/logout', { body: { refreshToken: again.body.refreshToken } })).status).toBe(200);
    expect((await http(A.url, 'POST', '/v1/auth/refresh', { body: { refreshToken: again.body.refreshToken } })).status).toBe(401);
  });

  it('sign-in throttling holds across instances: failures on A count on B', async () => {
    const victim = await registerOver(A.url, 'throttle');
    // 10 failures per email in 15 minutes are allowed: 5 on A, 5 on B …
    for (const api of [A, A, A, A, A, B, B, B, B, B]) {
      const res = await http(api.url, 'POST', '/v1/auth/login', { body: { email: victim.email, password: 'wrong password 123' } });
      expect(res.status).toBe(401);
    }
    // … and the next attempt is refused on either, even with the right password.
    for (const api of [B, A]) {
      const res = await http(api.url, 'POST', '/v1/auth/login', { body: { email: victim.email, password: victim.password } });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
