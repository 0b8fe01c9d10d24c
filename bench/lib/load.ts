// A mixed-workload driver for reliability tests and soaks: session reads, facts, note previews and
// idempotent ConnectWise note posts, against one or more API instances in round robin. Writes carry an
// Idempotency-Key and are retried (same key) on the next instance when one fails or vanishes, so a
// test can check afterwards that every acknowledged write is stored exactly once.
import { seededRandom } from '../../api/lib/seeded-random.js';
import { randomUUID } from 'node:crypto';

export type Op = 'read' | 'fact' | 'preview' | 'post';

export interface LoadOptions {
  /** API base URLs; requests go round robin, a failed write moves on to the next. */
  urls: string[];
  token: string;
  /** Sessions to read and write facts on. */
  sessionIds: string[];
  /** Sessions whose ticket exists in the ConnectWise simulator (for `post`); empty: no posts. */
  postSessionIds?: string[];
  durationMs: number;
  connections: number;
  /** Relative weights (default read 4, fact 4, preview 2, post 1). */
  mix?: Partial<Record<Op, number>>;
  /** At most this many ConnectWise posts in flight (they are the slow, outbound part of the mix). */
  maxConcurrentPosts?: number;
  /** A request that takes longer than this counts as a hang (default 20 s). */
  hangMs?: number;
  /** Attempts per write across instances (default 6). */
  writeAttempts?: number;
  /** Seed for the op sequence (default 1). */
  seed?: number;
}

export interface OpStats {
  count: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface LoadResult {
  durationMs: number;
  requests: number;
  /** Non-2xx outcomes (after retries) and network errors that no retry absorbed. */
  errors: number;
  hangs: number;
  /** Writes retried on another instance (or again) after a failure. */
  retries: number;
  byOp: Record<Op, OpStats>;
  /** Up to 20 error descriptions. */
  samples: string[];
  /** Facts acknowledged with a 2xx: the driver's promise to check against the database. */
  acknowledgedFacts: { sessionId: string; text: string; id: string }[];
  acknowledgedPosts: { sessionId: string; text: string; externalId: string }[];
}


export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

class HangError extends Error {}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const mix = { read: 4, fact: 4, preview: 2, post: 1, ...o.mix };
  if (!o.postSessionIds?.length) mix.post = 0;
  const ops = (Object.keys(mix) as Op[]).filter((k) => mix[k] > 0);
  const total = ops.reduce((n, k) => n + mix[k], 0);
  const rnd = seededRandom(o.seed ?? 1);
  const pick = (): Op => {
    let r = rnd() * total;
    for (const k of ops) if ((r -= mix[k]) < 0) return k;
    return ops[ops.length - 1]!;
  };
  const hangMs = o.hangMs ?? 20_000;
  const attempts = o.writeAttempts ?? 6;
  const maxPosts = o.maxConcurrentPosts ?? 4;
  let rr = 0;
  let postsInFlight = 0;
  let seq = 0;
  const times: Record<Op, number[]> = { read: [], fact: [], preview: [], post: [] };
  const errs: Record<Op, number> = { read: 0, fact: 0, preview: 0, post: 0 };
  const samples: string[] = [];
  const result = { requests: 0, errors: 0, hangs: 0, retries: 0, acknowledgedFacts: [] as LoadResult['acknowledgedFacts'], acknowledgedPosts: [] as LoadResult['acknowledgedPosts'] };
  const note = (s: string) => {
    if (samples.length < 20) samples.push(s);
  };

  async function call(url: string, method: string, path: string, body?: unknown, key?: string) {
    result.requests++;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(new HangError(`${method} ${path} took over ${hangMs} ms`)), hangMs);
    try {
      const res = await fetch(url + path, {
        method,
        signal: ctrl.signal,
        headers: {
          authorization: `Bearer ${o.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text };
    } catch (err) {
      if (ctrl.signal.aborted && ctrl.signal.reason instanceof HangError) throw ctrl.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One write with an Idempotency-Key, retried on the next instance after a network error, 5xx or 409-in-progress. */
  async function write(path: string, body: unknown): Promise<{ status: number; text: string } | null> {
    const key = randomUUID();
    let last = '';
    const start = rr++;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) result.retries++;
      // The first try round robin, each retry on the next instance.
      const url = o.urls[(start + i) % o.urls.length]!;
      try {
        const res = await call(url, 'POST', path, body, key);
        if (res.status < 300) return res;
        last = `${res.status} ${res.text.slice(0, 160)}`;
        if (res.status < 500 && res.status !== 409) break;
      } catch (err) {
        if (err instanceof HangError) {
          result.hangs++;
          last = err.message;
        } else last = `network: ${(err as Error).message}`;
      }
      await new Promise((r) => setTimeout(r, 50 * (i + 1)));
    }
    note(`POST ${path}: ${last}`);
    return null;
  }

  async function once(op: Op) {
    const n = seq++;
    const sessionId = o.sessionIds[n % o.sessionIds.length]!;
    if (op === 'fact') {
      const text = `load fact ${n} ${randomUUID().slice(0, 8)}`;
      const res = await write(`/v1/sessions/${sessionId}/facts`, { text });
      if (!res) return false;
      result.acknowledgedFacts.push({ sessionId, text, id: JSON.parse(res.text).fact.id });
      return true;
    }
    if (op === 'post') {
      const postSession = o.postSessionIds![n % o.postSessionIds!.length]!;
      const text = `Load note ${n}: checked the spooler, cleared the queue, confirmed printing.`;
      const res = await write(`/v1/sessions/${postSession}/resolution-note/post`, { text, internal: true });
      if (!res) return false;
      result.acknowledgedPosts.push({ sessionId: postSession, text, externalId: JSON.parse(res.text).note.externalId });
      return true;
    }
    const path = op === 'read' ? `/v1/sessions/${sessionId}` : `/v1/sessions/${sessionId}/resolution-note?format=text`;
    // Reads are retried too (on the other instance) when one is down; errors that remain count.
    let last = '';
    const start = rr++;
    for (let i = 0; i < Math.min(attempts, o.urls.length + 1); i++) {
      if (i > 0) result.retries++;
      const url = o.urls[(start + i) % o.urls.length]!;
      try {
        const res = await call(url, 'GET', path);
        if (res.status === 200) return true;
        last = `${res.status} ${res.text.slice(0, 160)}`;
        if (res.status < 500) break;
      } catch (err) {
        if (err instanceof HangError) result.hangs++;
        last = (err as Error).message;
      }
    }
    note(`GET ${path}: ${last}`);
    return false;
  }

  const started = performance.now();
  const deadline = started + o.durationMs;
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < deadline) {
        let op = pick();
        if (op === 'post' && postsInFlight >= maxPosts) op = 'read';
        if (op === 'post') postsInFlight++;
        const t0 = performance.now();
        try {
          const ok = await once(op);
          times[op].push(performance.now() - t0);
          if (!ok) {
            errs[op]++;
            result.errors++;
          }
        } catch (err) {
          errs[op]++;
          result.errors++;
          note(`${op}: ${(err as Error).message}`);
        } finally {
          if (op === 'post') postsInFlight--;
        }
      }
    }),
  );
  const byOp = {} as Record<Op, OpStats>;
  for (const k of ['read', 'fact', 'preview', 'post'] as Op[]) {
    const s = times[k].sort((a, b) => a - b);
    byOp[k] = { count: s.length, errors: errs[k], p50: percentile(s, 0.5), p99: percentile(s, 0.99) };
  }
  return { durationMs: performance.now() - started, samples, byOp, ...result };
}
