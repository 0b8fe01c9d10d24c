// Access tokens (short-lived HS256 JWTs via jose) and opaque refresh tokens stored only as hashes.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

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

/** Returns null for anything that is not a valid, unexpired access token signed with our key. */
export async function verifyAccessToken(token: string, key: Uint8Array): Promise<AuthContext | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const role = payload.role as Role;
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.acc !== 'string') return null;
    if (!UUID.test(payload.sub) || !UUID.test(payload.acc) || !ROLES.includes(role)) return null;
    return { userId: payload.sub, accountId: payload.acc, role };
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
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
