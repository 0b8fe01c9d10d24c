// Bearer-token authentication for /v1, and the rule that viewers only read.
import type { MiddlewareHandler } from 'hono';
import { forbidden, unauthorized } from '../lib/errors.js';
import type { AppEnv } from '../lib/http.js';
import { verifyAccessToken } from './tokens.js';

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9_\-.=]{10,4096})$/.exec(header);
    if (!m) throw unauthorized('Sign in first: send an access token as "Authorization: Bearer <token>".');
    const auth = await verifyAccessToken(m[1]!, c.get('deps').keys.access);
    if (!auth) throw unauthorized();
    c.set('auth', auth);
    await next();
  };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function viewersReadOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('auth')?.role === 'viewer' && !READS.has(c.req.method)) throw forbidden('Viewers can read but not change anything.');
    await next();
  };
}
