// Idempotency-Key for creating POSTs: the key row and the request's writes commit in one transaction.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Tx } from '../db/database.js';
import { AppError, badRequest } from './errors.js';
import type { AppEnv } from './http.js';

class RollBack extends Error {}

const WINDOW_HOURS = 24;

/**
 * With an `Idempotency-Key` header, the whole request runs in one tenant transaction that first
 * claims the key. A concurrent duplicate waits on the key's primary key, then replays the stored
 * result; the same key with a different body is a 422. Non-2xx outcomes release the key.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    const auth = c.get('auth');
    if (c.req.method !== 'POST' || key === undefined || !auth) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters.');
    const raw = await c.req.raw.clone().arrayBuffer();
    const requestHash = createHash('sha256').update(c.req.method).update(c.req.path).update(new Uint8Array(raw)).digest('hex');
    const { db } = c.get('deps');
    let replay: { status: number; body: unknown } | undefined;
    try {
      await db.tenant({ accountId: auth.accountId, userId: auth.userId }, async (tx: Tx) => {
        await tx`delete from idempotency_keys where key = ${key} and created_at < now() - make_interval(hours => ${WINDOW_HOURS})`;
        const [claimed] = await tx<[{ key: string }?]>`
          insert into idempotency_keys (account_id, key, method, path, request_hash)
          values (${auth.accountId}, ${key}, ${c.req.method}, ${c.req.path}, ${requestHash})
          on conflict do nothing returning key`;
        if (!claimed) {
          const [prior] = await tx<[{ request_hash: string; status_code: number | null; response: unknown }?]>`
            select request_hash, status_code, response from idempotency_keys where key = ${key}`;
          if (!prior || prior.status_code === null) throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still in progress.');
          if (prior.request_hash !== requestHash) {
            throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
          }
          replay = { status: prior.status_code, body: prior.response };
          return;
        }
        c.set('tx', tx);
        try {
          await next();
        } finally {
          c.set('tx', undefined);
        }
        if (c.res.status >= 300) throw new RollBack();
        const text = await c.res.clone().text();
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = text;
        }
        await tx`update idempotency_keys set status_code = ${c.res.status}, response = ${tx.json(body as never)} where key = ${key}`;
      });
    } catch (err) {
      if (!(err instanceof RollBack)) throw err;
    }
    if (replay) {
      c.res = undefined;
      c.res = c.json(replay.body as never, replay.status as never, { 'Idempotent-Replayed': 'true' });
    }
  };
}
