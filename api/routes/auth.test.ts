// Sign-in, tokens and roles: what a user (or an attacker) sees.
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey } from '../auth/tokens.js';
import { createTestContext, type TestContext } from '../test/harness.js';
import { TEST_SECRET_KEY } from '../test/secret.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('register, login, me', () => {
  it('registers an account whose first user is a team admin, and signs in', async () => {
    const a = await t.register('signup');
    const me = await t.request('GET', '/v1/me', { token: a.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: a.email, role: 'team_admin', accountId: a.accountId });
    expect(me.body.account.name).toBe('signup MSP');

    const login = await t.request('POST', '/v1/auth/login', { body: { email: a.email.toUpperCase(), password: a.password } });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(a.userId);
    const bad = await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: 'wrong password!' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toEqual({ code: 'unauthorized', message: 'Email or password is incorrect.' });
  });

  it('refuses a second account with the same email', async () => {
    const a = await t.register('dupe');
    const again = await t.request('POST', '/v1/auth/register', {
      body: { accountName: 'Other', name: 'X', email: a.email, password: 'another long password' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('never stores or logs a password or token in clear', async () => {
    const a = await t.register('secret');
    const [row] = await t.owner`select password_hash from users where id = ${a.userId}`;
    expect(row!.password_hash).toMatch(/^scrypt\$/);
    expect(row!.password_hash).not.toContain(a.password);
    const tokens = await t.owner`select token_hash from refresh_tokens where user_id = ${a.userId}`;
    expect(tokens.length).toBeGreaterThan(0);
    for (const tok of tokens) expect(tok.token_hash).not.toBe(a.refreshToken);
    await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } });
    const logs = t.logs.join('\n');
    expect(logs).not.toContain(a.password);
    expect(logs).not.toContain(a.token);
    expect(logs).not.toContain(a.refreshToken);
  });
});

describe('access token attacks', () => {
  let victim: Awaited<ReturnType<TestContext['register']>>;
  beforeAll(async () => {
    victim = await t.register('victim');
  });
  const claims = () => ({ acc: victim.accountId, role: 'team_admin', typ: 'access' });
  const sign = (key: Uint8Array, exp: string | number = '10m') =>
    new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(victim.userId)
      .setIssuer('flowpilot')
      .setAudience('flowpilot-api')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(key);

  it('accepts a well-formed token signed with our key (control)', async () => {
    const token = await sign(deriveKey(TEST_SECRET_KEY, 'access-token'));
    expect((await t.request('GET', '/v1/me', { token })).status).toBe(200);
  });

  it.each([
    ['expired', async () => sign(deriveKey(TEST_SECRET_KEY, 'access-token'), Math.floor(Date.now() / 1000) - 60)],
    ['signed with another key', async () => sign(deriveKey('some-other-secret-key-that-is-long-enough', 'access-token'))],
    [
      'tampered (role changed after signing)',
      async () => {
        const [h, , s] = victim.token.split('.');
        const payload = JSON.parse(Buffer.from(victim.token.split('.')[1]!, 'base64url').toString());
        payload.role = 'super_admin';
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      },
    ],
    [
      'alg: none',
      async () => new UnsecuredJWT(claims()).setSubject(victim.userId).setIssuer('flowpilot').setAudience('flowpilot-api').setExpirationTime('10m').encode(),
    ],
    ['malformed', async () => 'not.a.jwt-at-all'],
    ['a refresh token used as an access token', async () => victim.refreshToken],
  ])('refuses a token that is %s with 401', async (_label, make) => {
    const res = await t.request('GET', '/v1/me', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('refuses a request without a token', async () => {
    const res = await t.request('GET', '/v1/sessions');
    expect(res.status).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('rotates on every use, and a reused token revokes the whole family', async () => {
    const a = await t.register('rotate');
    const first = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } });
    expect(first.status).toBe(200);
    const second = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    // An attacker replays the original token: refused, and the legitimate latest token dies with it.
    const replay = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } });
    expect(replay.status).toBe(401);
    const latest = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(latest.status).toBe(401);
    // A separate sign-in (another family) is unaffected.
    const login = await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } });
    expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(200);
  });

  it('logout revokes the refresh token', async () => {
    const a = await t.register('logout');
    expect((await t.request('POST', '/v1/auth/logout', { body: { refreshToken: a.refreshToken } })).status).toBe(200);
    expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(401);
  });

  it('refuses garbage and forged refresh tokens', async () => {
    const a = await t.register('forge');
    const forged = a.refreshToken.slice(0, -4) + 'AAAA';
    for (const refreshToken of ['garbage', forged]) {
      expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken } })).status).toBe(401);
    }
  });
});

describe('roles', () => {
  it('lets a viewer read but not write, and only team admins manage users', async () => {
    const admin = await t.register('roles');
    const viewer = await t.addUser(admin, 'viewer');
    const engineer = await t.addUser(admin, 'engineer');
    expect((await t.request('GET', '/v1/sessions', { token: viewer.token })).status).toBe(200);
    const write = await t.request('POST', '/v1/sessions', { token: viewer.token, body: { ticket: { externalId: '555' } } });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    const [count] = await t.owner`select count(*)::int as n from ai_sessions where account_id = ${admin.accountId}`;
    expect(count!.n).toBe(0);

    const byEngineer = await t.request('POST', '/v1/users', {
      token: engineer.token,
      body: { name: 'X', email: 'x-roles@example.test', password: 'long enough password', role: 'engineer' },
    });
    expect(byEngineer.status).toBe(403);
    const superByAdmin = await t.request('POST', '/v1/users', {
      token: admin.token,
      body: { name: 'X', email: 'super-roles@example.test', password: 'long enough password', role: 'super_admin' },
    });
    expect(superByAdmin.status).toBe(403);
    const list = await t.request('GET', '/v1/users', { token: admin.token });
    expect(list.body.users.map((u: { role: string }) => u.role).sort()).toEqual(['engineer', 'team_admin', 'viewer']);
  });

  it('disabling a user stops their sign-in and refresh', async () => {
    const admin = await t.register('disable');
    const eng = await t.addUser(admin, 'engineer');
    const res = await t.request('PATCH', `/v1/users/${eng.userId}`, { token: admin.token, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: eng.refreshToken } })).status).toBe(401);
    expect((await t.request('POST', '/v1/auth/login', { body: { email: eng.email, password: eng.password } })).status).toBe(401);
  });
});

describe('failed-login rate limit', () => {
  it('answers 429 with Retry-After after repeated failures for one email, held in the database', async () => {
    const a = await t.register('ratelimit');
    for (let i = 0; i < 10; i++) {
      expect((await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: `nope-${i}-wrong` } })).status).toBe(401);
    }
    const limited = await t.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    // A second API instance (another app on the same database) sees the same limit.
    const other = await createTestContext();
    try {
      expect((await other.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } })).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});
