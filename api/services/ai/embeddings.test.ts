// Embedding jobs (trigger → lease → redact → Voyage fake → store), backfill, and hybrid ranking against a lexical decoy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVoyageFake, type VoyageFake } from '../../test/fakes/voyage.js';
import { createTestContext, type Registered, type TestContext } from '../../test/harness.js';
import { backfillEmbeddingJobs, drainEmbeddingJobs, startEmbeddingWorker, vectorSearch } from './embeddings.js';
import { embedQuery, hybridRank, reciprocalRankFusion } from './hybrid.js';
import type { Embedder } from './types.js';
import { createVoyageEmbedder } from './voyage.js';

let voyage: VoyageFake;
let ctx: TestContext;
let embedder: Embedder;
let me: Registered;
const sessions = {} as Record<'target' | 'decoy' | 'printer' | 'vpn' | 'open' | 'wifi', string>;

async function drainAll() {
  let total = { embedded: 0, unchanged: 0, removed: 0, failed: 0 };
  for (let i = 0; i < 20; i++) {
    const r = await drainEmbeddingJobs(ctx.db, embedder, ctx.deps.log, { batch: 200, accountId: me.accountId });
    total = { embedded: total.embedded + r.embedded, unchanged: total.unchanged + r.unchanged, removed: total.removed + r.removed, failed: total.failed + r.failed };
    if (r.leased === 0) break;
  }
  return total;
}

async function resolvedSession(label: 'target' | 'decoy' | 'printer' | 'vpn' | 'wifi', ticket: Record<string, unknown>, rootCause: string) {
  const s = await ctx.openSession(me, ticket);
  await ctx.owner`update ai_sessions set status = 'resolved', root_cause = ${rootCause}, ended_at = now() where id = ${s.id}`;
  sessions[label] = s.id;
  return s.id as string;
}

beforeAll(async () => {
  voyage = await startVoyageFake();
  embedder = createVoyageEmbedder({ apiKey: 'pa-test', baseUrl: voyage.url });
  ctx = await createTestContext({ deps: { ai: { embedder } } });
  me = await ctx.register('embed');
  await resolvedSession('target', { summary: 'iPhone mail app stopped updating the inbox' }, 'Exchange ActiveSync device partnership was stale; removed and re-added the account');
  await resolvedSession('decoy', { summary: 'Desk phone stops ringing after syncing the call queue' }, 'VoIP handset firmware reset');
  await resolvedSession('printer', { summary: 'Printer offline for the whole office', description: 'Spooler crashed. Admin password is Hunter2-Printer!' }, 'Restarted the print spooler');
  await resolvedSession('vpn', { summary: 'VPN drops every hour' }, 'DHCP lease on the firewall was too short');
  // An open session is not searchable and gets no vector.
  sessions.open = (await ctx.openSession(me, { summary: 'Phone mail not syncing, still open' })).id;
});
afterAll(async () => {
  await ctx.close();
  await voyage.close();
});

describe('embedding jobs', () => {
  it('embeds flows and resolved sessions off the request path, batched, redacted, with usage', async () => {
    const [{ n: queued }] = await ctx.owner<[{ n: number }]>`select count(*)::int as n from embedding_jobs where account_id = ${me.accountId}`;
    expect(queued).toBeGreaterThanOrEqual(10 + 4); // the starter flows and the resolved sessions
    const before = voyage.requests.length;
    const r = await drainAll();
    expect(r.embedded).toBe(queued);
    expect(r.failed).toBe(0);
    const sent = voyage.requests.slice(before);
    expect(sent.every((q) => q.body.input_type === 'document')).toBe(true);
    expect(sent.length).toBeLessThan(queued); // batched, not one call per row
    const all = sent.map((q) => q.raw).join('\n');
    expect(all).not.toContain('Hunter2-Printer!');
    expect(all).toContain('Restarted the print spooler');
    const rows = await ctx.owner<{ source_kind: string; source_id: string; dims: number }[]>`select source_kind, source_id, dims from embeddings where account_id = ${me.accountId}`;
    expect(rows.filter((x) => x.source_kind === 'session').map((x) => x.source_id).sort()).toEqual(
      [sessions.target, sessions.decoy, sessions.printer, sessions.vpn].sort(),
    );
    const [{ n: left }] = await ctx.owner<[{ n: number }]>`select count(*)::int as n from embedding_jobs where account_id = ${me.accountId}`;
    expect(left).toBe(0);
    const usage = await ctx.owner<{ provider: string; input_tokens: number }[]>`select provider, input_tokens from ai_usage where account_id = ${me.accountId} and feature = 'embedding'`;
    expect(usage.length).toBeGreaterThan(0);
    expect(usage[0]!.input_tokens).toBeGreaterThan(0);
  });

  it('re-embeds a changed row, skips an unchanged one, and drops the vector of a deleted one', async () => {
    const flows = await ctx.request('GET', '/v1/flows?q=printer', { token: me.token });
    const flowId = flows.body.flows[0].id;
    await ctx.request('PUT', `/v1/flows/${flowId}`, { token: me.token, body: { title: 'Printer offline, jobs stuck, or scanner not scanning' } });
    expect((await drainAll()).embedded).toBe(1);
    await ctx.owner`insert into embedding_jobs (account_id, source_kind, source_id) values (${me.accountId}, 'session', ${sessions.vpn})`;
    expect(await drainAll()).toMatchObject({ embedded: 0, unchanged: 1 });
    await ctx.request('DELETE', `/v1/flows/${flowId}`, { token: me.token });
    expect((await drainAll()).removed).toBe(1);
    const [gone] = await ctx.owner`select 1 from embeddings where source_id = ${flowId}`;
    expect(gone).toBeUndefined();
  });

  it('two workers draining at once never take the same job', async () => {
    await ctx.owner`delete from embeddings where account_id = ${me.accountId} and source_kind = 'flow'`;
    const queued = await backfillEmbeddingJobs(ctx.db, embedder.model, me.accountId);
    expect(queued).toBeGreaterThanOrEqual(9);
    const before = voyage.requests.length;
    const [a, b] = await Promise.all([
      drainEmbeddingJobs(ctx.db, embedder, ctx.deps.log, { batch: 5, accountId: me.accountId }),
      drainEmbeddingJobs(ctx.db, embedder, ctx.deps.log, { batch: 5, accountId: me.accountId }),
    ]);
    expect(a.leased + b.leased).toBe(Math.min(10, queued));
    await drainAll();
    const texts = voyage.requests.slice(before).flatMap((r) => r.body.input as string[]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('a Voyage failure leaves the jobs for later with a backoff', async () => {
    await ctx.owner`insert into embedding_jobs (account_id, source_kind, source_id) values (${me.accountId}, 'session', ${sessions.target})
                    on conflict (account_id, source_kind, source_id) do update set run_after = now()`;
    await ctx.owner`delete from embeddings where source_id = ${sessions.target}`;
    voyage.script({ kind: 'error', status: 503 });
    const r = await drainEmbeddingJobs(ctx.db, embedder, ctx.deps.log, { accountId: me.accountId });
    expect(r.failed).toBe(1);
    const [job] = await ctx.owner<[{ last_error: string; run_after: Date; leased_until: Date | null }]>`
      select last_error, run_after, leased_until from embedding_jobs where source_id = ${sessions.target}`;
    expect(job.last_error).toMatch(/503/);
    expect(job.leased_until).toBeNull();
    expect(job.run_after.getTime()).toBeGreaterThan(Date.now());
    await ctx.owner`update embedding_jobs set run_after = now() where source_id = ${sessions.target}`;
    expect((await drainAll()).embedded).toBe(1);
  });
});

describe('the background worker', () => {
  it('backfills at start, drains new jobs by itself, and stops cleanly', async () => {
    await ctx.owner`delete from embeddings where source_id = ${sessions.printer}`;
    const worker = startEmbeddingWorker(ctx.db, embedder, ctx.deps.log, { intervalMs: 50 });
    try {
      // The backfill covers every account in the shared test database (each with its starter flows), so how long
      // it takes grows with the whole suite, not with this test: wait for the outcome, generously.
      await expect.poll(async () => (await ctx.owner`select 1 from embeddings where source_id = ${sessions.printer}`).length, { timeout: 30_000 }).toBe(1);
      const id = await resolvedSession('wifi', { summary: 'Wi-Fi drops in the meeting room' }, 'Access point channel overlap');
      await expect.poll(async () => (await ctx.owner`select 1 from embeddings where source_id = ${id}`).length, { timeout: 15_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});

describe('hybrid search', () => {
  const q = 'phone stops syncing mail';

  it('ranks the semantically close session above the lexically close decoy', async () => {
    const query = await embedQuery(embedder, q, (t) => t, ctx.deps.log);
    expect(voyage.requests.at(-1)!.body.input_type).toBe('query');
    const hybrid = await ctx.db.tenant({ accountId: me.accountId }, (tx) => hybridRank(tx, q, query, embedder.model, { kinds: ['session'] }));
    const textOnly = await ctx.db.tenant({ accountId: me.accountId }, (tx) =>
      hybridRank(tx, q, { vector: null, reason: 'no_key', tokens: 0 }, null, { kinds: ['session'] }),
    );
    // Full-text alone is fooled: the decoy shares three of the four words.
    expect(textOnly.mode).toBe('full_text');
    expect(textOnly.reason).toBe('no_key');
    expect(textOnly.refs[0]!.id).toBe(sessions.decoy);
    expect(hybrid.mode).toBe('hybrid');
    const order = hybrid.refs.map((r) => r.id);
    expect(order[0]).toBe(sessions.target);
    expect(order.indexOf(sessions.target)).toBeLessThan(order.indexOf(sessions.decoy));
    expect(order).not.toContain(sessions.open);
  });

  it('sees only its own account’s vectors', async () => {
    const other = await ctx.register('other-embed');
    const query = await embedQuery(embedder, q, (t) => t, ctx.deps.log);
    const hits = await ctx.db.tenant({ accountId: other.accountId }, (tx) => vectorSearch(tx, embedder.model, query.vector!, { kinds: ['session'] }));
    expect(hits).toEqual([]);
  });

  it('fuses by reciprocal rank with deterministic ties', () => {
    const fused = reciprocalRankFusion(
      [{ kind: 'session', id: 'a' }, { kind: 'session', id: 'b' }],
      [{ kind: 'session', id: 'c', similarity: 0.9 }, { kind: 'session', id: 'b', similarity: 0.5 }],
    );
    expect(fused.map((f) => f.id)).toEqual(['b', 'c', 'a']);
  });
});
