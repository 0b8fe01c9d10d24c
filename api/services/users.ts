// Users and accounts: creation, sign-in checks, token issue and rotation with reuse detection.
import { randomUUID } from 'node:crypto';
import { dummyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
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

/** Inserts a user and its login-directory entry in the caller's tenant transaction. */
export async function insertUser(
  tx: Tx,
  accountId: string,
  input: { name: string; email: string; password: string; role: Role },
): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  const [taken] = await tx`select 1 from login_directory where email = ${email}`;
  if (taken) throw conflict('An account with this email already exists.', 'email_taken');
  const passwordHash = await hashPassword(input.password);
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

const FAILURE_WINDOW_MINUTES = 15;
const MAX_FAILURES_PER_EMAIL = 10;
const MAX_FAILURES_PER_ADDRESS = 50;
const BAD_CREDENTIALS = 'Email or password is incorrect.';

/** Counts recent failures in the database so the limit holds across API instances. */
async function assertNotRateLimited(deps: Deps, emailKey: string, addressKey: string) {
  const rows = await deps.db.sql<{ key: string; n: number; oldest: Date }[]>`
    select key, count(*)::int as n, min(failed_at) as oldest from login_failures
    where key in (${emailKey}, ${addressKey}) and failed_at > now() - make_interval(mins => ${FAILURE_WINDOW_MINUTES})
    group by key`;
  for (const r of rows) {
    const limit = r.key === emailKey ? MAX_FAILURES_PER_EMAIL : MAX_FAILURES_PER_ADDRESS;
    if (r.n >= limit) {
      const retry = (r.oldest.getTime() + FAILURE_WINDOW_MINUTES * 60_000 - Date.now()) / 1000;
      throw tooMany('Too many failed sign-in attempts. Wait a few minutes and try again.', retry);
    }
  }
}

async function recordFailure(deps: Deps, emailKey: string, addressKey: string) {
  await deps.db.sql`insert into login_failures (key) values (${emailKey}), (${addressKey})`;
  await deps.db.sql`delete from login_failures where failed_at < now() - interval '1 day'`;
}

export async function login(deps: Deps, emailInput: string, password: string, address: string) {
  const email = normaliseEmail(emailInput);
  const emailKey = `email:${email}`;
  const addressKey = `addr:${address}`;
  await assertNotRateLimited(deps, emailKey, addressKey);
  const [entry] = await deps.db.sql<[{ account_id: string; user_id: string }?]>`
    select account_id, user_id from login_directory where email = ${email}`;
  if (!entry) {
    await verifyPassword(password, await dummyHash());
    await recordFailure(deps, emailKey, addressKey);
    throw unauthorized(BAD_CREDENTIALS);
  }
  const result = await deps.db.tenant({ accountId: entry.account_id, userId: entry.user_id }, async (tx) => {
    const [user] = await tx<[(UserRow & { password_hash: string })?]>`
      select id, account_id, email, name, role, disabled_at, created_at, password_hash from users where id = ${entry.user_id}`;
    if (!user || !(await verifyPassword(password, user.password_hash)) || user.disabled_at) return null;
    const auth = { userId: user.id, accountId: user.account_id, role: user.role };
    const tokens = await issueTokens(deps, tx, auth);
    const { password_hash: _hash, ...rest } = user;
    return { ...tokens, user: userView(rest) };
  });
  if (!result) {
    await recordFailure(deps, emailKey, addressKey);
    throw unauthorized(BAD_CREDENTIALS);
  }
  await deps.db.sql`delete from login_failures where key = ${emailKey}`;
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
