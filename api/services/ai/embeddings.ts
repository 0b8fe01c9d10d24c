// Embeddings for hybrid search: what text each searchable row contributes, the queue drainer (lease, embed, store), the backfill, and vector ranking.
import { createHash } from 'node:crypto';
import type { Database, Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import type { FlowGraph } from '../flow-graph.js';
import { readPreferences } from '../settings.js';
import { redactorFor, type Redact } from './privacy.js';
import type { Embedder } from './types.js';
import { recordUsage } from './usage.js';

/*
 * Design (RLS and several API instances):
 * - embedding_jobs is a global queue holding identifiers only. A database trigger enqueues a row
 *   whenever a flow, a resolved session or a script template changes, whoever writes it.
 * - A worker leases due jobs with `FOR UPDATE SKIP LOCKED` in a short transaction (no RLS there:
 *   ids only), so instances never take the same job and no transaction stays open during a Voyage
 *   call. A crashed worker's lease simply expires.
 * - Per account, the rows' text is read in that account's tenant transaction (RLS applies), redacted
 *   with the account's rules, embedded, and stored in another short tenant transaction that also
 *   deletes the jobs — only if they were not re-enqueued meanwhile (version unchanged).
 * - Vectors are unit-length real[]; the dot product is the cosine, ranked in SQL.
 */

export type SourceKind = 'flow' | 'session' | 'script';

export interface Job {
  id: string;
  account_id: string;
  source_kind: SourceKind;
  source_id: string;
  version: number;
  attempts: number;
}

const MAX_TEXT = 8000;

function flowText(r: { title: string; description: string; category: string | null; tags: string[]; graph: FlowGraph }): string {
  const steps = r.graph.nodes.map((n) => n.title).join('. ');
  return [r.title, r.description, r.category, r.tags.join(', '), steps].filter(Boolean).join('\n');
}

/** The text each live source contributes; absent ids are gone (deleted, no longer resolved) and lose their vector. */
export async function loadSourceTexts(tx: Tx, kind: SourceKind, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!ids.length) return out;
  if (kind === 'flow') {
    const rows = await tx<{ id: string; title: string; description: string; category: string | null; tags: string[]; graph: FlowGraph }[]>`
      select id, title, description, category, tags, graph from flows where id = any(${ids}::uuid[]) and deleted_at is null`;
    for (const r of rows) out.set(r.id, flowText(r));
  } else if (kind === 'session') {
    const rows = await tx<{ id: string; ticket_summary: string | null; ticket_description: string | null; root_cause: string | null; resolution_note_markdown: string | null }[]>`
      select id, ticket_summary, ticket_description, root_cause, resolution_note_markdown
      from ai_sessions where id = any(${ids}::uuid[]) and status = 'resolved'`;
    for (const r of rows) out.set(r.id, [r.ticket_summary, r.root_cause, r.ticket_description, r.resolution_note_markdown].filter(Boolean).join('\n'));
  } else {
    const rows = await tx<{ id: string; name: string; description: string; tags: string[]; body: string }[]>`
      select id, name, description, tags, body from script_templates where id = any(${ids}::uuid[])`;
    for (const r of rows) out.set(r.id, [r.name, r.description, r.tags.join(', '), r.body].filter(Boolean).join('\n'));
  }
  // Not cut here: the caller redacts first, then cuts to MAX_TEXT (a cut could separate a keyword from its value).
  return out;
}

export const contentHash = (model: string, text: string) => createHash('sha256').update(model).update('\0').update(text).digest('hex').slice(0, 32);

/** Scales to unit length so the dot product is the cosine. */
export function normalise(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n > 0 ? v.map((x) => x / n) : v;
}

export interface DrainResult {
  leased: number;
  embedded: number;
  unchanged: number;
  removed: number;
  failed: number;
}

export interface DrainOptions {
  batch?: number;
  leaseSeconds?: number;
  signal?: AbortSignal;
  /** Only this account's jobs (a targeted re-index; tests sharing one database). */
  accountId?: string;
}

/** Leases due jobs (any account) without holding a transaction beyond the lease itself. */
export async function leaseJobs(db: Database, batch: number, leaseSeconds: number, accountId?: string): Promise<Job[]> {
  return db.sql<Job[]>`
    update embedding_jobs set leased_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from embedding_jobs
      where run_after <= now() and (leased_until is null or leased_until < now())
        and (${accountId ?? null}::uuid is null or account_id = ${accountId ?? null}::uuid)
      order by run_after, id
      limit ${batch}
      for update skip locked)
    returning id, account_id, source_kind, source_id, version, attempts`;
}

async function releaseFailed(db: Database, jobs: Job[], error: string) {
  for (const j of jobs) {
    // Exponential backoff, capped at an hour: a Voyage outage must not spin the worker.
    const delay = Math.min(3600, 5 * 2 ** Math.min(j.attempts, 10));
    await db.sql`update embedding_jobs set leased_until = null, run_after = now() + make_interval(secs => ${delay}), last_error = ${error.slice(0, 300)}
                 where id = ${j.id} and version = ${j.version}`;
  }
}

/** One pass: lease, then per account read → redact → embed → store. Returns what happened. */
export async function drainEmbeddingJobs(db: Database, embedder: Embedder, log: Logger, opts: DrainOptions = {}): Promise<DrainResult> {
  const result: DrainResult = { leased: 0, embedded: 0, unchanged: 0, removed: 0, failed: 0 };
  const jobs = await leaseJobs(db, opts.batch ?? 64, opts.leaseSeconds ?? 120, opts.accountId);
  result.leased = jobs.length;
  const byAccount = new Map<string, Job[]>();
  for (const j of jobs) byAccount.set(j.account_id, [...(byAccount.get(j.account_id) ?? []), j]);

  for (const [accountId, accountJobs] of byAccount) {
    if (opts.signal?.aborted) break;
    try {
      // 1. Read and redact in the account's tenant transaction.
      const work = await db.tenant({ accountId }, async (tx) => {
        const redact: Redact = redactorFor(await readPreferences(tx));
        const items: { job: Job; text: string | null; hash: string | null; current: boolean }[] = [];
        for (const kind of ['flow', 'session', 'script'] as const) {
          const ofKind = accountJobs.filter((j) => j.source_kind === kind);
          if (!ofKind.length) continue;
          const texts = await loadSourceTexts(tx, kind, ofKind.map((j) => j.source_id));
          const existing = await tx<{ source_id: string; content_hash: string }[]>`
            select source_id, content_hash from embeddings
            where source_kind = ${kind} and model = ${embedder.model} and source_id = any(${ofKind.map((j) => j.source_id)}::uuid[])`;
          const hashes = new Map(existing.map((e) => [e.source_id, e.content_hash]));
          for (const job of ofKind) {
            const raw = texts.get(job.source_id);
            const text = raw === undefined ? null : redact(raw).slice(0, MAX_TEXT);
            const hash = text === null ? null : contentHash(embedder.model, text);
            items.push({ job, text, hash, current: hash !== null && hashes.get(job.source_id) === hash });
          }
        }
        return items;
      });

      // 2. Embed what changed, in batches, with no transaction open.
      const toEmbed = work.filter((w) => w.text !== null && !w.current);
      const vectors: number[][] = [];
      let tokens = 0;
      const started = performance.now();
      for (let i = 0; i < toEmbed.length; i += embedder.maxBatch) {
        const chunk = toEmbed.slice(i, i + embedder.maxBatch);
        const res = await embedder.embed(chunk.map((w) => w.text!), 'document', { signal: opts.signal });
        vectors.push(...res.vectors.map(normalise));
        tokens += res.tokens;
      }

      // 3. Store, drop vectors of rows that are gone, and finish the jobs not re-enqueued meanwhile.
      await db.tenant({ accountId }, async (tx) => {
        for (const [i, w] of toEmbed.entries()) {
          const v = vectors[i]!;
          await tx`
            insert into embeddings (account_id, source_kind, source_id, model, content_hash, dims, embedding)
            values (${accountId}, ${w.job.source_kind}, ${w.job.source_id}, ${embedder.model}, ${w.hash!}, ${v.length}, ${v}::real[])
            on conflict (account_id, source_kind, source_id, model)
            do update set content_hash = excluded.content_hash, dims = excluded.dims, embedding = excluded.embedding, updated_at = now()`;
        }
        for (const w of work.filter((x) => x.text === null)) {
          await tx`delete from embeddings where source_kind = ${w.job.source_kind} and source_id = ${w.job.source_id}`;
        }
        for (const w of work) await tx`delete from embedding_jobs where id = ${w.job.id} and version = ${w.job.version}`;
        if (toEmbed.length) {
          await recordUsage(tx, {
            accountId,
            feature: 'embedding',
            tier: null,
            routedTier: null,
            provider: 'voyage',
            model: embedder.model,
            outcome: 'ok',
            usage: { inputTokens: tokens, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
            attempts: Math.ceil(toEmbed.length / embedder.maxBatch),
            latencyMs: performance.now() - started,
          });
        }
      });
      result.embedded += toEmbed.length;
      result.unchanged += work.filter((w) => w.current).length;
      result.removed += work.filter((w) => w.text === null).length;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result.failed += accountJobs.length;
      log.warn('embedding jobs failed; will retry', { account: accountId, jobs: accountJobs.length, error: message });
      await releaseFailed(db, accountJobs, message).catch(() => {});
    }
  }
  return result;
}

/**
 * Enqueues every searchable row of every account that has no vector for the current model (rows
 * written before this feature, or before a key was configured). Accounts are found through the
 * global sign-in directory; each account's rows are read under its own tenant context.
 */
export async function backfillEmbeddingJobs(db: Database, model: string, onlyAccountId?: string): Promise<number> {
  const accounts = onlyAccountId ? [{ account_id: onlyAccountId }] : await db.sql<{ account_id: string }[]>`select distinct account_id from login_directory`;
  let queued = 0;
  for (const { account_id: accountId } of accounts) {
    queued += await db.tenant({ accountId }, async (tx) => {
      const rows = await tx<{ n: number }[]>`
        with missing as (
          select 'flow'::text as kind, f.id from flows f where f.deleted_at is null
          union all select 'session', s.id from ai_sessions s where s.status = 'resolved'
          union all select 'script', t.id from script_templates t
        ), ins as (
          insert into embedding_jobs (account_id, source_kind, source_id)
          select ${accountId}, m.kind, m.id from missing m
          where not exists (select 1 from embeddings e where e.source_kind = m.kind and e.source_id = m.id and e.model = ${model})
          on conflict (account_id, source_kind, source_id) do nothing
          returning 1)
        select count(*)::int as n from ins`;
      return rows[0]?.n ?? 0;
    });
  }
  return queued;
}

export interface VectorHit {
  kind: SourceKind;
  id: string;
  similarity: number;
}

/**
 * Ranks the account's vectors by cosine to the query vector. With pgvector installed on the server
 * the distance is computed by its `<=>` operator (casting the stored real[]); otherwise, and if that
 * fails for any reason, by a dot product over the arrays in SQL. Both are exact scans per account.
 */
export async function vectorSearch(tx: Tx, model: string, query: number[], opts: { limit?: number; kinds?: SourceKind[]; minSimilarity?: number } = {}): Promise<VectorHit[]> {
  const q = normalise(query);
  const kinds = opts.kinds ?? ['flow', 'session', 'script'];
  const [ext] = await tx<[{ on: boolean }]>`select exists(select 1 from pg_extension where extname = 'vector') as on`;
  if (ext.on) {
    try {
      // A savepoint, so a failure here (old pgvector, odd casts) leaves the request's transaction usable.
      const rows = await tx.savepoint((sp) => sp.unsafe<{ source_kind: SourceKind; source_id: string; similarity: number }[]>(
        `select source_kind, source_id, 1 - (embedding::vector <=> $1::vector) as similarity
         from embeddings where model = $2 and dims = $3 and source_kind = any($4::text[])
         order by embedding::vector <=> $1::vector limit $5`,
        [`[${q.join(',')}]`, model, q.length, kinds, opts.limit ?? 20],
      ));
      return rows
        .map((r) => ({ kind: r.source_kind, id: r.source_id, similarity: Number(r.similarity) }))
        .filter((r) => r.similarity >= (opts.minSimilarity ?? 0));
    } catch {
      /* fall through to the array path */
    }
  }
  const rows = await tx<{ source_kind: SourceKind; source_id: string; similarity: number }[]>`
    select source_kind, source_id, similarity from (
      select e.source_kind, e.source_id,
        (select sum(a * b) from unnest(e.embedding, ${q}::real[]) as t(a, b))::float8 as similarity
      from embeddings e
      where e.model = ${model} and e.dims = ${q.length} and e.source_kind = any(${kinds}::text[])
    ) ranked
    where similarity >= ${opts.minSimilarity ?? 0}
    order by similarity desc, source_id
    limit ${opts.limit ?? 20}`;
  return rows.map((r) => ({ kind: r.source_kind, id: r.source_id, similarity: Number(r.similarity) }));
}

export interface WorkerHandle {
  stop(): Promise<void>;
  /** Runs one pass now (tests, and a nudge after writes). */
  kick(): Promise<DrainResult | null>;
}

/**
 * The API process drains the queue in the background: a backfill at start, then a pass every
 * `intervalMs` (and immediately again while passes find work). Safe with any number of instances.
 */
export function startEmbeddingWorker(db: Database, embedder: Embedder, log: Logger, opts: { intervalMs?: number; batch?: number } = {}): WorkerHandle {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DrainResult | null> | null = null;
  const pass = () => {
    running ??= drainEmbeddingJobs(db, embedder, log, { batch: opts.batch, signal: controller.signal })
      .catch((err: unknown) => {
        log.warn('embedding worker pass failed', { error: err instanceof Error ? err.message : String(err) });
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const loop = async () => {
    if (controller.signal.aborted) return;
    const r = await pass();
    if (controller.signal.aborted) return;
    timer = setTimeout(loop, r && r.leased > 0 ? 50 : (opts.intervalMs ?? 5000));
    timer.unref?.();
  };
  void backfillEmbeddingJobs(db, embedder.model)
    .then((n) => n && log.info('embedding backfill queued', { jobs: n }))
    .catch((err: unknown) => log.warn('embedding backfill failed', { error: err instanceof Error ? err.message : String(err) }))
    .finally(() => void loop());
  return {
    async stop() {
      controller.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
    kick: pass,
  };
}
