// Access tokens (short-lived HS256 JWTs via jose) and opaque refresh tokens stored only as hashes.
import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export type Role = 'super_admin' | 'team_admin' | 'engineer' | 'viewer';
export const ROLES: readonly Role[] = ['super_admin', 'team_admin', 'engineer', 'viewer'];
const RANK: Record<Role, number> = { viewer: 0, engineer: 1, team_admin: 2, super_admin: 3 };
export const roleAtLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

export interface AuthContext {
  userId: string;
  accountId: string;
  role: Role;
}

/** Independent subkeys from the one secret, so a leak of one use does not weaken another. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(`flowpilot:${purpose}`).digest());
}

const ISSUER = 'flowpilot';
const AUDIENCE = 'flowpilot-api';

export async function signAccessToken(auth: AuthContext, key: Uint8Array, ttlSeconds: number): Promise<string> {
  return new SignJWT({ acc: auth.accountId, role: auth.role, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(auth.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const B64URL = /^[A-Za-z0-9_-]+$/;
const hmacKeys = new WeakMap<Uint8Array, KeyObject>();

function decodeJson(part: string): Record<string, unknown> | null {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * Returns null for anything that is not a valid, unexpired access token signed with our key.
 * Verified with node:crypto directly (jose still signs): jose's HS256 path goes through WebCrypto
 * (a key import and an async sign per call), ~0.5 ms of CPU per request on a 2-core machine; this is
 * a few µs. The checks are jose's jwtVerify with { algorithms: ['HS256'], issuer, audience }, a little
 * stricter: the header must say alg HS256 and carry no `crit`/`b64`, every part must be canonical
 * base64url, `exp` is required (every token we sign has one) and `nbf`/`iat` must be numbers if present.
 */
export async function verifyAccessToken(token: string, key: Uint8Array): Promise<AuthContext | null> {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, sig] = parts as [string, string, string];
  if (!B64URL.test(h) || !B64URL.test(p) || !B64URL.test(sig)) return null;
  let hmacKey = hmacKeys.get(key);
  if (!hmacKey) hmacKeys.set(key, (hmacKey = createSecretKey(key)));
  const expected = createHmac('sha256', hmacKey).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  // Canonical only: a signature with different trailing bits decodes to the same bytes.
  if (given.length !== expected.length || given.toString('base64url') !== sig || !timingSafeEqual(given, expected)) return null;
  let header: Record<string, unknown> | null;
  let payload: Record<string, unknown> | null;
  try {
    header = decodeJson(h);
    payload = decodeJson(p);
  } catch {
    return null;
  }
  if (!header || !payload) return null;
  if (header.alg !== 'HS256' || 'crit' in header || 'b64' in header) return null;
  const now = Math.floor(Date.now() / 1000);
  const { exp, nbf, iat, iss, aud } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now)) return null;
  if (iat !== undefined && typeof iat !== 'number') return null;
  if (iss !== ISSUER) return null;
  if (!(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) return null;
  const role = payload.role as Role;
  if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.acc !== 'string') return null;
  if (!UUID.test(payload.sub) || !UUID.test(payload.acc) || !ROLES.includes(role)) return null;
  return { userId: payload.sub, accountId: payload.acc, role };
}

/**
 * Refresh tokens carry their account id in clear (it only routes the lookup to the right tenant)
 * and 32 random bytes; the database keeps a SHA-256 of the whole string.
 */
export function newRefreshToken(accountId: string): string {
  return `fprt_${accountId.replace(/-/g, '')}_${randomBytes(32).toString('base64url')}`;
}

export function parseRefreshToken(token: string): { accountId: string } | null {
  const m = /^fprt_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(token);
  if (!m) return null;
  const h = m[1]!;
  return { accountId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
