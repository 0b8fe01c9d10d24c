// Shared request plumbing: the app's Hono env, the tenant-transaction helper, validation, role checks.
import type { Context, MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import type { AuthContext, Role } from '../auth/tokens.js';
import { roleAtLeast } from '../auth/tokens.js';
import type { Tx } from '../db/database.js';
import type { Deps } from '../deps.js';
import { AppError, forbidden, unauthorized } from './errors.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: Deps;
    auth?: AuthContext;
    /** Set by the idempotency middleware: the transaction the whole request runs in. */
    tx?: Tx;
  };
}

export type AppContext = Context<AppEnv>;

export function authOf(c: AppContext): AuthContext {
  const auth = c.get('auth');
  if (!auth) throw unauthorized();
  return auth;
}

/**
 * Runs `fn` in the request's tenant transaction: the one the idempotency middleware opened (as a
 * savepoint), or a new `db.tenant` transaction. Route code reaches tenant tables only through this.
 */
export function withTenant<T>(c: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const auth = authOf(c);
  const open = c.get('tx');
  if (open) return open.savepoint((sp) => fn(sp as unknown as Tx)) as Promise<T>;
  return c.get('deps').db.tenant({ accountId: auth.accountId, userId: auth.userId }, fn);
}

export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roleAtLeast(authOf(c).role, min)) throw forbidden(`This needs the ${min.replace('_', ' ')} role or higher.`);
    await next();
  };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** zValidator with our error shape: every invalid body or query is a 400 naming the bad fields. */
export function validate<T extends z.ZodType, Target extends 'json' | 'query' | 'param'>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppError(400, 'invalid_input', `Invalid ${target === 'json' ? 'body' : target}: ${describeIssues(result.error.issues)}`);
    }
  });
}
