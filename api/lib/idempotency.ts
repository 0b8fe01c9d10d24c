// Idempotency-Key for creating POSTs: the key row commits with the request's writes, or — for requests that
// call ConnectWise or a model — is claimed and finalised in short transactions of its own.
import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { inRequestTransaction, type Database, type Tx } from '../db/database.js';
import { HEARTBEAT_INTERVAL_MS, INSTANCE_DEAD_AFTER_SECONDS } from '../db/instances.js';
import { AppError, badRequest } from './errors.js';
import type { AppEnv } from './http.js';

/** A finished key replays its first result for this long (the API contract: 24 h). */
export const WINDOW_HOURS = 24;
/**
 * The safety bound: an unfinished claim older than this may be claimed again even if its instance
 * still heartbeats (or the claim names no instance: made before migration 00008). It must be longer
 * than any request runs (ConnectWise posting with its retries, a 60 s streamed suggestion): a slower
 * request whose claim was taken over could run twice.
 */
export const STALE_CLAIM_SECONDS = 300;
/**
 * How long a concurrent duplicate waits for the first request before it answers 409. Longer than it
 * takes a dead instance's claim to become claimable (its last heartbeat, up to one interval before it
 * died, plus the dead window, plus a poll), so a retry on a surviving instance takes over and runs
 * instead of answering 409; still well below client time-outs (the extension's is 30 s).
 */
export const DUPLICATE_WAIT_MS = 15_000;
if (DUPLICATE_WAIT_MS < INSTANCE_DEAD_AFTER_SECONDS * 1000 + HEARTBEAT_INTERVAL_MS + 1_000) {
  throw new Error('DUPLICATE_WAIT_MS must exceed the instance liveness window');
}

/**
 * Requests that wait on something outside the database (ConnectWise, a model, or a deliberately slow
 * password hash) must not hold a transaction open meanwhile, so their key is claimed and finalised in
 * short transactions of their own. Their outbound work carries its own exactly-once guard where it
 * matters (the posting outbox looks for its marker on the ticket before any resend, so a takeover after
 * a crash cannot post twice). Every other keyed POST is database-only and runs in one transaction with
 * its key row: its writes and its stored answer commit together or not at all.
 */
const CALLS_OUT: readonly RegExp[] = [
  /^\/v1\/sessions\/[^/]+\/(suggest|resolution-note\/post|escalation\/post|time-entry|close-out|escalation\/send)$/,
  /^\/v1\/flows\/generate$/,
  /^\/v1\/flow-proposals\/analyse$/,
  /^\/v1\/settings\/psa\/test$/,
  /^\/v1\/users$/,
];

const callsOut = (path: string) => CALLS_OUT.some((re) => re.test(path.replace(/\/+$/, '')));

class RollBack extends Error {}

interface KeyRow {
  request_hash: string;
  status_code: number | null;
  response: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * With an `Idempotency-Key` header, keys are per user (account, user, key). A database-only request runs
 * in one transaction with its key (`inOneTransaction`). A request in CALLS_OUT goes through three steps:
 * 1. claim: one short transaction inserts the key with this instance's id (or takes over an expired
 *    key, or an unfinished claim whose instance is dead or which is older than STALE_CLAIM_SECONDS);
 * 2. the request runs as it would without a key (its own transactions: no connection is held across it);
 * 3. finalise: a 2xx JSON answer is stored in another short transaction; anything else releases the key.
 * A duplicate of a finished request replays the stored answer (`Idempotent-Replayed: true`); a
 * duplicate of a running one polls (without holding a connection) until it finishes, up to 15 s, then
 * answers 409 `idempotency_in_progress`; the same key with a different body is a 422.
 * Trade-off (CALLS_OUT only): the request's writes and the stored answer do not commit together. A process that
 * dies in between leaves an unfinished claim. Claims follow the liveness of their instance
 * (api/db/instances.ts): once the dead process has not heartbeated for INSTANCE_DEAD_AFTER_SECONDS
 * (10 s), a retry — waiting as a duplicate if it came sooner — takes the claim over and runs the
 * request: one that was cut before its writes committed runs once; one that died after committing
 * but before its answer was stored runs again. A live instance's claim is never taken over while it
 * heartbeats, short of the STALE_CLAIM_SECONDS bound; an instance that stops heartbeating for 10 s
 * while still running (a stalled event loop, a database unreachable for that long) can see a request
 * of its run twice.
 * Streamed answers (SSE) are not stored: the key guards the stream while it runs and is released after.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    const auth = c.get('auth');
    if (c.req.method !== 'POST' || key === undefined || !auth) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters.');
    const raw = await c.req.arrayBuffer(); // Hono's body cache: the route's validator reads the same bytes
    const requestHash = createHash('sha256').update(c.req.method).update(c.req.path).update(new Uint8Array(raw)).digest('hex');
    const { db, instanceId } = c.get('deps');
    const who = { accountId: auth.accountId, userId: auth.userId };
    const claimId = randomUUID();

    const claimIn = async (tx: Tx) => {
        const [claimed] = await tx<[{ key: string }?]>`
          insert into idempotency_keys (account_id, user_id, key, method, path, request_hash, claim_id, instance_id)
          values (${who.accountId}, ${who.userId}, ${key}, ${c.req.method}, ${c.req.path}, ${requestHash}, ${claimId}, ${instanceId})
          on conflict (account_id, user_id, key) do update
            set method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
                claim_id = excluded.claim_id, instance_id = excluded.instance_id,
                status_code = null, response = null, created_at = now()
            where idempotency_keys.created_at < now() - make_interval(hours => ${WINDOW_HOURS})
               or (idempotency_keys.status_code is null
                   and (idempotency_keys.created_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS})
                        -- The instance holding the claim is dead: not seen within the window, or its row is gone.
                        or (idempotency_keys.instance_id is not null
                            and not exists (select 1 from api_instances i
                                            where i.id = idempotency_keys.instance_id
                                              and i.seen_at > now() - make_interval(secs => ${INSTANCE_DEAD_AFTER_SECONDS})))))
          returning key`;
        if (claimed) return { claimed: true as const };
        const [prior] = await tx<[KeyRow?]>`
          select request_hash, status_code, response from idempotency_keys
          where user_id = ${who.userId} and key = ${key}`;
        return { claimed: false as const, prior };
      };

    if (!callsOut(c.req.path)) {
      // An unfinished claim (left by a CALLS_OUT request with the same key and body, or by a version that
      // claimed every key this way) is waited for, and taken over once its instance is dead, as below.
      const started = Date.now();
      for (let pause = 25; ; pause = Math.min(pause * 2, 250)) {
        if ((await inOneTransaction(c, db, who, key, requestHash, claimIn, next)) === 'done') return;
        if (Date.now() - started > DUPLICATE_WAIT_MS) {
          throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still in progress.', { 'Retry-After': '2' });
        }
        await sleep(pause);
      }
    }

    const claim = () => db.tenant(who, claimIn);

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
    const body = await storedBody(res);
    await db.tenant(who, (tx) => tx`
      update idempotency_keys set status_code = ${res.status}, response = ${tx.json(body as never)}
      where user_id = ${who.userId} and key = ${key} and claim_id = ${claimId}`);
  };
}

async function release(db: Database, who: { accountId: string; userId: string }, key: string, claimId: string) {
  await db.tenant(who, (tx) => tx`delete from idempotency_keys where user_id = ${who.userId} and key = ${key} and claim_id = ${claimId}`);
}

/**
 * A database-only request and its key in one transaction: the claim (a concurrent duplicate waits on the
 * key's row, then replays), the request's own tenant work (joined as savepoints, see
 * `inRequestTransaction`), and the stored answer commit together; a non-2xx answer rolls all of it back.
 * A process killed half-way leaves nothing behind, so a retry on another instance simply runs it.
 */
async function inOneTransaction(
  c: Context<AppEnv>,
  db: Database,
  who: { accountId: string; userId: string },
  key: string,
  requestHash: string,
  claimIn: (tx: Tx) => Promise<{ claimed: true } | { claimed: false; prior: KeyRow | undefined }>,
  next: () => Promise<void>,
): Promise<'done' | 'unfinished'> {
  let replay: { status: number; body: unknown } | undefined;
  let unfinished = false;
  try {
    await db.tenant(who, async (tx) => {
      const r = await claimIn(tx);
      if (!r.claimed) {
        const prior = r.prior;
        if (prior && prior.request_hash !== requestHash) {
          throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
        }
        if (!prior || prior.status_code === null) {
          unfinished = true;
          return;
        }
        replay = { status: prior.status_code, body: prior.response };
        return;
      }
      await inRequestTransaction(db, who.accountId, tx, next);
      const res = c.res;
      if (res.status < 200 || res.status >= 300) throw new RollBack();
      const body = await storedBody(res);
      await tx`update idempotency_keys set status_code = ${res.status}, response = ${tx.json(body as never)}
               where user_id = ${who.userId} and key = ${key}`;
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
  }
  if (unfinished) return 'unfinished';
  if (replay) {
    c.res = undefined;
    c.res = c.json(replay.body as never, replay.status as never, { 'Idempotent-Replayed': 'true' });
  }
  return 'done';
}

/** The answer as it is stored for replay: its JSON, or its text when it is not JSON. */
async function storedBody(res: Response): Promise<unknown> {
  const text = await res.clone().text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}
