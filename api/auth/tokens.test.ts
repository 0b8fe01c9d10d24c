// Access-token verification (node:crypto HMAC since the write-path work): every token jose's
// jwtVerify refuses is refused, and a few jose accepts are refused too (no exp, odd encodings).
import { SignJWT, UnsecuredJWT, base64url } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey, signAccessToken, verifyAccessToken } from './tokens.js';

const key = deriveKey('a-test-secret-key-that-is-long-enough-0123', 'access-token');
const auth = { userId: '11111111-1111-4111-8111-111111111111', accountId: '22222222-2222-4222-8222-222222222222', role: 'engineer' as const };
const now = () => Math.floor(Date.now() / 1000);
/** A token with any header and payload, correctly signed with `k`. */
const forge = (header: object, payload: object, k: Uint8Array = key) => {
  const h = base64url.encode(JSON.stringify(header));
  const p = base64url.encode(JSON.stringify(payload));
  return `${h}.${p}.${createHmac('sha256', k).update(`${h}.${p}`).digest('base64url')}`;
};
const claims = (over: Record<string, unknown> = {}) => ({ acc: auth.accountId, role: auth.role, typ: 'access', sub: auth.userId, iss: 'flowpilot', aud: 'flowpilot-api', iat: now(), exp: now() + 600, ...over });

describe('verifyAccessToken', () => {
  it('accepts the tokens we sign, with the claims in them', async () => {
    expect(await verifyAccessToken(await signAccessToken(auth, key, 600), key)).toEqual(auth);
    expect(await verifyAccessToken(forge({ alg: 'HS256' }, claims({ aud: ['other', 'flowpilot-api'] })), key)).toEqual(auth);
  });

  it.each([
    ['signed with another key', () => forge({ alg: 'HS256', typ: 'JWT' }, claims(), deriveKey('another-secret-key-that-is-long-enough-01', 'access-token'))],
    ['expired', () => forge({ alg: 'HS256' }, claims({ exp: now() - 1 }))],
    ['without exp (jose would accept it; we never sign one)', () => forge({ alg: 'HS256' }, claims({ exp: undefined }))],
    ['not yet valid', () => forge({ alg: 'HS256' }, claims({ nbf: now() + 600 }))],
    ['with a non-numeric iat', () => forge({ alg: 'HS256' }, claims({ iat: 'yesterday' }))],
    ['from another issuer', () => forge({ alg: 'HS256' }, claims({ iss: 'someone-else' }))],
    ['for another audience', () => forge({ alg: 'HS256' }, claims({ aud: 'another-api' }))],
    ['alg none', () => new UnsecuredJWT(claims()).encode()],
    ['alg HS512 in the header', () => forge({ alg: 'HS512' }, claims())],
    ['with a crit header', () => forge({ alg: 'HS256', crit: ['exp'] }, claims())],
    ['with b64: false', () => forge({ alg: 'HS256', b64: false, crit: ['b64'] }, claims())],
    ['a refresh-style typ', () => forge({ alg: 'HS256' }, claims({ typ: 'refresh' }))],
    ['with an unknown role', () => forge({ alg: 'HS256' }, claims({ role: 'root' }))],
    ['with a non-uuid account', () => forge({ alg: 'HS256' }, claims({ acc: "' or 1=1 --" }))],
    ['with a JSON array payload', () => forge({ alg: 'HS256' }, [claims()])],
    ['tampered after signing', async () => {
      const [h, , s] = (await signAccessToken(auth, key, 600)).split('.');
      return `${h}.${base64url.encode(JSON.stringify(claims({ role: 'super_admin' })))}.${s}`;
    }],
    ['with a padded signature', async () => `${await signAccessToken(auth, key, 600)}=`],
    ['with a non-canonical signature (other trailing bits)', async () => {
      const t = await signAccessToken(auth, key, 600);
      const last = t.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return t.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    }],
    ['malformed', () => 'not.a.jwt-at-all'],
    ['with four parts', async () => `${await signAccessToken(auth, key, 600)}.x`],
    ['with a non-JSON header', () => {
      const h = base64url.encode('not json');
      const p = base64url.encode(JSON.stringify(claims()));
      return `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
    }],
  ])('refuses a token %s', async (_label, make) => {
    expect(await verifyAccessToken(await make(), key)).toBeNull();
  });

  it('agrees with jose on a token jose signs for another purpose key', async () => {
    const other = await new SignJWT({ acc: auth.accountId, role: 'viewer', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(auth.userId).setIssuer('flowpilot').setAudience('flowpilot-api').setExpirationTime('5m')
      .sign(deriveKey('a-test-secret-key-that-is-long-enough-0123', 'share-link'));
    expect(await verifyAccessToken(other, key)).toBeNull();
  });
});
