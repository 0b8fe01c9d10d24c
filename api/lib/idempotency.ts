// Idempotency-Key for creating POSTs: the key is claimed, and later finalised, in short transactions of its own.
import { createHash, randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.js';
import { AppError, badRequest } from './errors.js';
import type { AppEnv } from './http.js';

/** A finished key replays its first result for this long (the API contract: 24 h). */
export const WINDOW_HOURS = 24;
/**
 * An unfinished claim older than this is taken to be the leftover of a crashed process and may be
 * claimed again. It must be longer than any request runs (ConnectWise posting with its retries, a
 * 60 s streamed suggestion): a slower request whose claim was taken over could run twice.
 */
export const STALE_CLAIM_SECONDS = 300;
/** How long a concurrent duplicate waits for the first request before it answers 409. */
const DUPLICATE_WAIT_MS = 10_000;

interface KeyRow {
  request_hash: string;
  status_code: number | null;
  response: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * With an `Idempotency-Key` header, keys are per user (account, user, key):
 * 1. claim: one short transaction inserts the key (or takes over an expired or stale one);
 * 2. the request runs as it would without a key (its own transactions: no connection is held across it);
 * 3. finalise: a 2xx JSON answer is stored in another short transaction; anything else releases the key.
 * A duplicate of a finished request replays the stored answer (`Idempotent-Replayed: true`); a
 * duplicate of a running one polls (without holding a connection) until it finishes, up to 10 s, then
 * answers 409 `idempotency_in_progress`; the same key with a different body is a 422.
 * Trade-off: the request's writes and the stored answer no longer commit together. A process that
 * dies in between leaves an unfinished claim, which blocks the key (409) until it is
 * STALE_CLAIM_SECONDS old and can be claimed again — a retry after that runs the request again.
 * Streamed answers (SSE) are not stored: the key guards the stream while it runs and is released after.
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
    const who = { accountId: auth.accountId, userId: auth.userId };
    const claimId = randomUUID();

    const claim = () =>
      db.tenant(who, async (tx) => {
        const [claimed] = await tx<[{ key: string }?]>`
          insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, claim_id)
          values (${who.accountId}, ${who.userId}, ${key}, ${c.req.method}, ${c.req.path}, ${requestHash}, ${claimId})
          on conflict (account_id, user_id, key) do update
            set method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
                claim_id = excluded.claim_id, status_code = null, response = null, created_at = now()
            where idempotency_keys.created_at < now() - make_interval(hours => ${WINDOW_HOURS})
               or (idempotency_keys.status_code is null
                   and idempotency_keys.created_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS}))
          returning key`;
        if (claimed) return { claimed: true as const };
        const [prior] = await tx<[KeyRow?]>`
          select request_hash, status_code, response from idempotency_keys
          where user_id = ${who.userId} and key = ${key}`;
        return { claimed: false as const, prior };
      });

    // 1. Claim, or wait for the request that holds the key.
    const started = Date.now();
    let pause = 25;
    for (;;) {
      const r = await claim();
      if (r.claimed) break;
      const prior = r.prior;
      if (prior) {
        if (prior.request_hash !== requestHash) {
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
        }
        if (prior.status_code !== null) {
          c.res = c.json(prior.response as never, prior.status_code as never, { 'Idempotent-Replayed': 'true' });
          return;
        }
        if (Date.now() - started > DUPLICATE_WAIT_MS) {
          throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still in progress.', { 'Retry-After': '2' });
        }
      }
      // Released (or finished and gone) between the two statements: try to claim again at once.
      if (prior) {
        await sleep(pause);
        pause = Math.min(pause * 2, 250);
      }
    }

    // 2. Run the request without any transaction of ours open.
    try {
      await next();
    } catch (err) {
      await release(db, who, key, claimId).catch(() => {});
      throw err;
    }

    // 3. Finalise or release.
    const res = c.res;
    const contentType = res.headers.get('Content-Type') ?? '';
    if (res.status < 200 || res.status >= 300) {
      await release(db, who, key, claimId);
      return;
    }
    if (contentType.includes('text/event-stream') && res.body) {
      // Keep the claim while the stream runs, so a duplicate does not start a second one.
      const done = () => void release(db, who, key, claimId).catch(() => {});
      c.res = new Response(res.body.pipeThrough(new TransformStream({ flush: done })), res);
      return;
    }
    const text = await res.clone().text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    await db.tenant(who, (tx) => tx`
      update idempotency_keys set status_code = ${res.status}, response = ${tx.json(body as never)}
      where user_id = ${who.userId} and key = ${key} and claim_id = ${claimId}`);
  };
}

async function release(db: Database, who: { accountId: string; userId: string }, key: string, claimId: string) {
  await db.tenant(who, (tx) => tx`delete from idempotency_keys where user_id = ${who.userId} and key = ${key} and claim_id = ${claimId}`);
}
