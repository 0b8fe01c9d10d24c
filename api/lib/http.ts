// Shared request plumbing: the app's Hono env, the tenant-transaction helper, validation, role checks.
import { BlockList, isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { resolver, uniqueSymbol } from 'hono-openapi';
import type { z } from 'zod';
import type { AuthContext, Role } from '../auth/tokens.js';
import { roleAtLeast } from '../auth/tokens.js';
import type { TenantRunner, Tx } from '../db/database.js';
import type { Deps } from '../deps.js';
import { AppError, forbidden, unauthorized } from './errors.js';
import { issueLines } from './zod-issues.js';

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: Deps;
    auth?: AuthContext;
  };
}

export type AppContext = Context<AppEnv>;

export function authOf(c: AppContext): AuthContext {
  const auth = c.get('auth');
  if (!auth) throw unauthorized();
  return auth;
}

/**
 * Runs `fn` in a tenant transaction: a short one of its own, or — inside a keyed database-only request —
 * a savepoint of the request's transaction (see `inRequestTransaction`). Route code reaches tenant tables
 * only through this, and never calls it (or anything that opens a transaction) from inside `fn`: a request
 * holds at most one pooled connection at a time, so a burst can queue but never deadlock the pool.
 */
export function withTenant<T>(c: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const auth = authOf(c);
  return c.get('deps').db.tenant({ accountId: auth.accountId, userId: auth.userId }, fn);
}

/** The request's tenant as a runner, for services that span a call out (each step its own short transaction). */
export const tenantOf =
  (c: AppContext): TenantRunner =>
  (fn) =>
    withTenant(c, fn);

/** '::ffff:10.0.0.1' (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
const plainIp = (a: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a);

const proxyLists = new WeakMap<readonly string[], BlockList>();
function trustedProxies(list: readonly string[]): BlockList {
  let bl = proxyLists.get(list);
  if (!bl) {
    bl = new BlockList();
    for (const entry of list) {
      const [ip, prefix] = entry.split('/') as [string, string?];
      const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) bl.addAddress(ip, family);
      else bl.addSubnet(ip, Number(prefix), family);
    }
    proxyLists.set(list, bl);
  }
  return bl;
}

/**
 * The client's address for per-address limits. It is the socket's peer, unless that peer is one of
 * FLOWPILOT_TRUSTED_PROXIES: then X-Forwarded-For is read from the right, skipping trusted proxies,
 * and the first address no trusted proxy vouches beyond is the client. A header from anyone else is
 * ignored, so a client cannot pick its own address.
 */
export function clientAddress(c: AppContext): string {
  let remote: string | undefined;
  try {
    remote = getConnInfo(c).remote.address;
  } catch {
    /* not served by node-server (in-process tests) */
  }
  if (!remote) return 'unknown';
  remote = plainIp(remote);
  const list = c.get('deps').config.trustedProxies;
  if (!list.length) return remote;
  const trusted = trustedProxies(list);
  const isTrusted = (a: string) => trusted.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  if (!isTrusted(remote)) return remote;
  const chain = (c.req.header('X-Forwarded-For') ?? '').split(',').map((s) => plainIp(s.trim())).filter(Boolean);
  let client = remote;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i]!;
    if (!isIP(hop)) break; // garbage from beyond our proxies: stop at the last hop we can vouch for
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}

export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roleAtLeast(authOf(c).role, min)) throw forbidden(`This needs the ${min.replace('_', ' ')} role or higher.`);
    await next();
  };
}

/**
 * zValidator with our error shape: every invalid body or query is a 400 naming the bad fields. The
 * same schema documents the route: the middleware carries hono-openapi's marker (what its own
 * `validator` attaches), so `/openapi.json` shows exactly what is validated.
 */
export function validate<T extends z.ZodType, Target extends 'json' | 'query' | 'param'>(target: Target, schema: T) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppError(400, 'invalid_input', `Invalid ${target === 'json' ? 'body' : target}: ${issueLines(result.error.issues, { max: 5 }).join('; ')}`);
    }
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } });
}
