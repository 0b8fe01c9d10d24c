// Load held, and two instances with one killed: the mixed-workload driver (bench/lib/load.ts) against
// API processes. CI size here; `npm run soak` raises it (SOAK_SECONDS, SOAK_CONNECTIONS, SOAK_POSTS).
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runLoad } from '../../bench/lib/load.js';
import { spawnApi, type ChildApi } from '../../bench/lib/proc.js';
import { startSimulator, type Simulator } from '../../e2e/sim/simulator.js';
import { connectSimulator, openSessionOver, registerOver, type HttpAccount } from './world.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
// Idempotent posts in flight: more than the API's pool (10), which froze the API before requests stopped
// holding one pooled connection while waiting for another.
const POSTS = Number(process.env.SOAK_POSTS ?? 12);

let sim: Simulator;
let owner: postgres.Sql;
const apis: ChildApi[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  owner = postgres(inject('ownerUrl'), { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop().catch(() => {})));
  await owner?.end({ timeout: 5 });
  await sim?.close();
});

async function world(api: string, label: string, sessions: number, postTickets: number) {
  const acct: HttpAccount = await registerOver(api, label);
  const sessionIds: string[] = [];
  for (let i = 0; i < sessions; i++) sessionIds.push(await openSessionOver(api, acct.token));
  const postSessionIds = postTickets ? await connectSimulator(api, acct.token, sim, postTickets) : [];
  return { acct, sessionIds, postSessionIds };
}

async function checkFactsExactlyOnce(acked: { sessionId: string; text: string; id: string }[], accountId: string) {
  const rows = await owner<{ id: string; text: string }[]>`
    select id, text from session_facts where account_id = ${accountId} and text like 'load fact %'`;
  const byText = new Map<string, string[]>();
  for (const r of rows) byText.set(r.text, [...(byText.get(r.text) ?? []), r.id]);
  const missing = acked.filter((f) => !byText.has(f.text)).map((f) => f.text);
  const doubled = [...byText].filter(([, ids]) => ids.length > 1).map(([t]) => t);
  const wrongId = acked.filter((f) => byText.get(f.text)?.[0] !== f.id).map((f) => f.text);
  return { missing, doubled, wrongId, stored: rows.length };
}

describe('load held', () => {
  it(`${CONNECTIONS} connections for ${SECONDS} s of reads, facts, previews and idempotent posts: no errors, no hangs`, async () => {
    const api = await spawnApi({ appUrl: inject('appUrl') });
    apis.push(api);
    const w = await world(api.url, 'load', 24, 6);
    const rssBefore = api.rss();
    const r = await runLoad({
      urls: [api.url],
      token: w.acct.token,
      sessionIds: w.sessionIds,
      postSessionIds: w.postSessionIds,
      durationMs: SECONDS * 1000,
      connections: CONNECTIONS,
      maxConcurrentPosts: POSTS,
    });
    const rssAfter = api.rss();
    console.log(
      `[load] ${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s at ${CONNECTIONS} connections; ` +
        Object.entries(r.byOp).map(([k, s]) => `${k} ${s.count} (p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms)`).join(', ') +
        `; RSS ${((rssBefore ?? 0) / 2 ** 20).toFixed(0)} → ${((rssAfter ?? 0) / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(r.samples).toEqual([]);
    expect(r.errors).toBe(0);
    expect(r.hangs).toBe(0);
    expect(r.byOp.read.count).toBeGreaterThan(0);
    expect(r.byOp.fact.count).toBeGreaterThan(0);
    expect(r.byOp.post.count).toBeGreaterThan(0);
    expect(rssAfter).toBeGreaterThan(0);

    const facts = await checkFactsExactlyOnce(r.acknowledgedFacts, w.acct.accountId);
    expect(facts).toMatchObject({ missing: [], doubled: [], wrongId: [], stored: r.acknowledgedFacts.length });
    // Each acknowledged post is on its ticket exactly once.
    for (const p of r.acknowledgedPosts) {
      expect(sim.data.notes.filter((n) => n.text.startsWith(p.text)), p.text).toHaveLength(1);
    }
  });
});

describe('two instances, one killed', () => {
  it('every fact acknowledged with a 2xx is stored exactly once after one instance is SIGKILLed mid-load', async () => {
    const a = await spawnApi({ appUrl: inject('appUrl') });
    const b = await spawnApi({ appUrl: inject('appUrl') });
    apis.push(a, b);
    const w = await world(a.url, 'kill', 16, 0);
    const load = runLoad({
      urls: [a.url, b.url],
      token: w.acct.token,
      sessionIds: w.sessionIds,
      durationMs: Math.max(4, SECONDS / 2) * 1000,
      connections: Math.min(CONNECTIONS, 12),
      mix: { read: 1, fact: 4, preview: 1 },
    });
    // Kill A while requests are in flight on it (no graceful shutdown).
    await new Promise((r) => setTimeout(r, 1_500));
    await a.kill();
    const r = await load;
    console.log(`[kill] ${r.requests} requests, ${r.acknowledgedFacts.length} facts acknowledged, ${r.retries} retries on the other instance`);
    expect(r.retries).toBeGreaterThan(0);
    expect(r.samples).toEqual([]);
    expect(r.errors).toBe(0);
    expect(r.hangs).toBe(0);
    const facts = await checkFactsExactlyOnce(r.acknowledgedFacts, w.acct.accountId);
    expect(facts.missing).toEqual([]);
    expect(facts.doubled).toEqual([]);
    expect(facts.wrongId).toEqual([]);
    // Unacknowledged writes (cut by the kill) rolled back with their request: nothing stored beyond the acknowledged facts.
    expect(facts.stored).toBe(r.acknowledgedFacts.length);
  });
});
