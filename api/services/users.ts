// Users and accounts: creation, sign-in checks, token issue and rotation with reuse detection.
import { randomUUID } from 'node:crypto';
import { dummyHash, hashPassword, needsRehash, verifyPassword, type HashCost } from '../auth/passwords.js';
import { hashToken, newRefreshToken, parseRefreshToken, signAccessToken, type AuthContext, type Role } from '../auth/tokens.js';
import type { Tx } from '../db/database.js';
import type { Deps } from '../deps.js';
import { conflict, tooMany, unauthorized } from '../lib/errors.js';

export interface UserView {
  id: string;
  accountId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
}

export const userView = (u: UserRow): UserView => ({
  id: u.id,
  accountId: u.account_id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled_at !== null,
  createdAt: u.created_at.toISOString(),
});

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Inserts a user and its login-directory entry in the caller's tenant transaction. The password is
 * hashed by the caller before the transaction: scrypt takes a good fraction of a second, and a
 * pooled connection must not wait on it.
 */
export async function insertUser(
  tx: Tx,
  accountId: string,
  input: { name: string; email: string; passwordHash: string; role: Role },
): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  const [taken] = await tx`select 1 from login_directory where email = ${email}`;
  if (taken) throw conflict('An account with this email already exists.', 'email_taken');
  const passwordHash = input.passwordHash;
  const id = randomUUID();
  const [user] = await tx<[UserRow]>`
    insert into users (id, account_id, email, name, role, password_hash)
    values (${id}, ${accountId}, ${email}, ${input.name.trim()}, ${input.role}, ${passwordHash})
    returning id, account_id, email, name, role, disabled_at, created_at`;
  try {
    await tx.savepoint((sp) => sp`insert into login_directory (email, account_id, user_id) values (${email}, ${accountId}, ${id})`);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict('An account with this email already exists.', 'email_taken');
    throw err;
  }
  return user;
}

export async function issueTokens(deps: Deps, tx: Tx, auth: AuthContext, familyId: string = randomUUID()): Promise<TokenPair> {
  const refreshToken = newRefreshToken(auth.accountId);
  const expires = new Date(deps.now().getTime() + deps.config.refreshTokenTtlSeconds * 1000);
  await tx`insert into refresh_tokens (account_id, user_id, family_id, token_hash, expires_at)
           values (${auth.accountId}, ${auth.userId}, ${familyId}, ${hashToken(refreshToken)}, ${expires})`;
  const accessToken = await signAccessToken(auth, deps.keys.access, deps.config.accessTokenTtlSeconds);
  return { accessToken, refreshToken, expiresIn: deps.config.accessTokenTtlSeconds };
}

const FAILURE_WINDOW_SECONDS = 15 * 60;
const MAX_FAILURES_PER_EMAIL = 10;
const MAX_FAILURES_PER_ADDRESS = 50;
const REGISTRATION_WINDOW_SECONDS = 3600;
const BAD_CREDENTIALS = 'Email or password is incorrect.';
/** Advisory-lock namespace (two-int form) for throttling keys; the start-up lock uses the one-bigint form. */
const THROTTLE_LOCK_SPACE = 727275;

interface Limit {
  key: string;
  max: number;
  windowSeconds: number;
}

/**
 * Records an attempt against every limit, or answers 429 if one is reached — atomically: the keys'
 * advisory locks serialise concurrent attempts, so a parallel burst gets exactly `max` through, never
 * more. Attempts live in the database (login_failures), so the limit holds across API instances.
 * Returns the ids recorded, for the caller to forget on success.
 */
async function recordAttempt(deps: Deps, limits: Limit[], message: string): Promise<string[]> {
  return deps.db.global(async (tx) => {
    const keys = [...new Set(limits.map((l) => l.key))].sort();
    // One at a time, in a fixed order, so two requests locking the same pair cannot deadlock.
    for (const k of keys) await tx`select pg_advisory_xact_lock(${THROTTLE_LOCK_SPACE}, hashtext(${k}))`;
    for (const l of limits) {
      const [r] = await tx<[{ n: number; oldest: Date | null }]>`
        select count(*)::int as n, min(failed_at) as oldest from login_failures
        where key = ${l.key} and failed_at > now() - make_interval(secs => ${l.windowSeconds})`;
      if (r.n >= l.max) {
        const retry = r.oldest ? (r.oldest.getTime() + l.windowSeconds * 1000 - Date.now()) / 1000 : l.windowSeconds;
        throw tooMany(message, retry);
      }
    }
    const rows = await tx<{ id: string }[]>`insert into login_failures (key) select unnest(${keys}::text[]) returning id::text`;
    return rows.map((r) => r.id);
  });
}

/** Registration is limited per client address (REGISTRATIONS_PER_HOUR), whatever the outcome. */
export async function recordRegistrationAttempt(deps: Deps, address: string): Promise<void> {
  await recordAttempt(
    deps,
    [{ key: `register:addr:${address}`, max: deps.config.registrationsPerHour, windowSeconds: REGISTRATION_WINDOW_SECONDS }],
    'Too many accounts were registered from this address. Try again later.',
  );
}

/**
 * Sign-in: the attempt is recorded before the password is checked (so throttling is atomic), and
 * forgotten when it succeeds. No connection is held while scrypt runs. A hash made with older,
 * weaker parameters is replaced by one with today's on a successful sign-in.
 */
export async function login(deps: Deps, emailInput: string, password: string, address: string) {
  const email = normaliseEmail(emailInput);
  const emailKey = `email:${email}`;
  const addressKey = `addr:${address}`;
  const cost: HashCost = { logN: deps.config.scryptLogN };
  const attempt = await recordAttempt(
    deps,
    [
      { key: emailKey, max: MAX_FAILURES_PER_EMAIL, windowSeconds: FAILURE_WINDOW_SECONDS },
      { key: addressKey, max: MAX_FAILURES_PER_ADDRESS, windowSeconds: FAILURE_WINDOW_SECONDS },
    ],
    'Too many failed sign-in attempts. Wait a few minutes and try again.',
  );
  const [entry] = await deps.db.global((tx) => tx<[{ account_id: string; user_id: string }?]>`
    select account_id, user_id from login_directory where email = ${email}`);
  if (!entry) {
    await verifyPassword(password, await dummyHash(cost));
    throw unauthorized(BAD_CREDENTIALS);
  }
  const ctx = { accountId: entry.account_id, userId: entry.user_id };
  const [stored] = await deps.db.tenant(ctx, (tx) => tx<[{ password_hash: string; disabled_at: Date | null }?]>`
    select password_hash, disabled_at from users where id = ${entry.user_id}`);
  if (!stored || !(await verifyPassword(password, stored.password_hash)) || stored.disabled_at) throw unauthorized(BAD_CREDENTIALS);
  const upgraded = needsRehash(stored.password_hash, cost) ? await hashPassword(password, cost) : null;
  const result = await deps.db.tenant(ctx, async (tx) => {
    // Still the same password, and still enabled, now that we hold the row.
    const [user] = await tx<[UserRow?]>`
      select id, account_id, email, name, role, disabled_at, created_at from users
      where id = ${entry.user_id} and password_hash = ${stored.password_hash} and disabled_at is null for update`;
    if (!user) return null;
    if (upgraded) await tx`update users set password_hash = ${upgraded} where id = ${user.id}`;
    const tokens = await issueTokens(deps, tx, { userId: user.id, accountId: user.account_id, role: user.role });
    return { ...tokens, user: userView(user) };
  });
  if (!result) throw unauthorized(BAD_CREDENTIALS);
  // A success clears the email's failures and does not count against the address.
  await deps.db.global((tx) => tx`delete from login_failures where key = ${emailKey} or id = any(${attempt}::bigint[])`);
  return result;
}

/**
 * Rotates a refresh token. Presenting one that was already rotated (or revoked) is treated as
 * theft: the whole family is revoked, and the caller must sign in again.
 */
export async function refresh(deps: Deps, token: string) {
  const parsed = parseRefreshToken(token);
  if (!parsed) throw unauthorized('The refresh token is invalid. Sign in again.');
  const outcome = await deps.db.tenant({ accountId: parsed.accountId }, async (tx) => {
    const [row] = await tx<[{ id: string; user_id: string; family_id: string; expires_at: Date; rotated_at: Date | null; revoked_at: Date | null }?]>`
      select id, user_id, family_id, expires_at, rotated_at, revoked_at from refresh_tokens
      where token_hash = ${hashToken(token)} for update`;
    if (!row) return { kind: 'invalid' as const };
    if (row.rotated_at || row.revoked_at) {
      await tx`update refresh_tokens set revoked_at = now() where family_id = ${row.family_id} and revoked_at is null`;
      return { kind: 'reused' as const };
    }
    if (row.expires_at.getTime() <= deps.now().getTime()) return { kind: 'invalid' as const };
    const [user] = await tx<[UserRow?]>`select id, account_id, email, name, role, disabled_at, created_at from users where id = ${row.user_id}`;
    if (!user || user.disabled_at) return { kind: 'invalid' as const };
    await tx`update refresh_tokens set rotated_at = now() where id = ${row.id}`;
    const tokens = await issueTokens(deps, tx, { userId: user.id, accountId: user.account_id, role: user.role }, row.family_id);
    return { kind: 'ok' as const, body: { ...tokens, user: userView(user) } };
  });
  if (outcome.kind === 'reused') throw unauthorized('This refresh token was already used. For your safety every session from it was signed out; sign in again.');
  if (outcome.kind === 'invalid') throw unauthorized('The refresh token is invalid or expired. Sign in again.');
  return outcome.body;
}

export async function logout(deps: Deps, token: string) {
  const parsed = parseRefreshToken(token);
  if (!parsed) return;
  await deps.db.tenant({ accountId: parsed.accountId }, async (tx) => {
    const [row] = await tx<[{ family_id: string }?]>`select family_id from refresh_tokens where token_hash = ${hashToken(token)}`;
    if (row) await tx`update refresh_tokens set revoked_at = now() where family_id = ${row.family_id} and revoked_at is null`;
  });
}
