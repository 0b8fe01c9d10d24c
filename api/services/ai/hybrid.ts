// Hybrid search: full-text and vector candidates fused by reciprocal rank; full-text alone (and saying so) without Voyage.
import type { TenantRunner, Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import { tsQuery } from '../../lib/tsquery.js';
import { fullTextSearch, type SearchHit, type SearchHitType } from '../search.js';
import { readPreferences } from '../settings.js';
import { redactorFor, type Redact } from './privacy.js';
import { vectorSearch, type SourceKind, type VectorHit } from './embeddings.js';
import type { Embedder } from './types.js';

export interface SearchRef {
  kind: SourceKind;
  id: string;
}

export interface FusedRef extends SearchRef {
  score: number;
  textRank: number | null;
  vectorRank: number | null;
  similarity: number | null;
}

const key = (r: SearchRef) => `${r.kind}:${r.id}`;

/**
 * Reciprocal rank fusion (Cormack et al., k = 60): each list contributes 1/(k + rank). Ties (an
 * item first in one list vs another first in the other) go to the higher vector similarity, then
 * to the better text rank, so the order is deterministic.
 */
export function reciprocalRankFusion(text: SearchRef[], vector: VectorHit[], k = 60): FusedRef[] {
  const out = new Map<string, FusedRef>();
  text.forEach((r, i) => {
    out.set(key(r), { kind: r.kind, id: r.id, score: 1 / (k + i + 1), textRank: i + 1, vectorRank: null, similarity: null });
  });
  vector.forEach((r, i) => {
    const prev = out.get(key(r));
    const add = 1 / (k + i + 1);
    if (prev) Object.assign(prev, { score: prev.score + add, vectorRank: i + 1, similarity: r.similarity });
    else out.set(key(r), { kind: r.kind, id: r.id, score: add, textRank: null, vectorRank: i + 1, similarity: r.similarity });
  });
  return [...out.values()].sort(
    (a, b) => b.score - a.score || (b.similarity ?? -1) - (a.similarity ?? -1) || (a.textRank ?? Infinity) - (b.textRank ?? Infinity),
  );
}

/**
 * Keeps vector hits that mean something: above an absolute floor and within half the best
 * similarity. Without it, every document is "semantically" somewhere in the list and RRF rewards
 * lexical decoys merely for appearing in both lists.
 */
export function meaningfulVectorHits(hits: VectorHit[], floor = 0.25, relative = 0.5): VectorHit[] {
  const best = hits[0]?.similarity ?? 0;
  const cut = Math.max(floor, best * relative);
  return hits.filter((h) => h.similarity >= cut);
}

/** Any-word full-text candidates over flows, resolved sessions and scripts, ranked by ts_rank_cd. */
export async function textCandidates(tx: Tx, q: string, opts: { limit?: number; kinds?: SourceKind[] } = {}): Promise<SearchRef[]> {
  const tsq = tsQuery(q, 'any-prefix');
  if (!tsq) return [];
  const kinds = opts.kinds ?? ['flow', 'session', 'script'];
  const rows = await tx<{ kind: SourceKind; id: string; rank: number }[]>`
    select kind, id, rank from (
      select 'flow'::text as kind, f.id, ts_rank_cd(f.search, to_tsquery('english', ${tsq}), 32) as rank
        from flows f where f.deleted_at is null and f.search @@ to_tsquery('english', ${tsq})
      union all
      select 'session', s.id, ts_rank_cd(s.search, to_tsquery('english', ${tsq}), 32)
        from ai_sessions s where s.status = 'resolved' and s.search @@ to_tsquery('english', ${tsq})
      union all
      select 'script', t.id, ts_rank_cd(t.search, to_tsquery('english', ${tsq}), 32)
        from script_templates t where t.search @@ to_tsquery('english', ${tsq})
    ) c
    where kind = any(${kinds}::text[])
    order by rank desc, id
    limit ${opts.limit ?? 30}`;
  return rows.map((r) => ({ kind: r.kind, id: r.id }));
}

export interface QueryEmbedding {
  vector: number[] | null;
  /** Why there is no vector: no key, or the call failed (search then says it is full-text only). */
  reason: 'no_key' | 'error' | null;
  tokens: number;
}

/** Embeds the (redacted) query with a short time-out; search must never wait long on Voyage. */
export async function embedQuery(embedder: Embedder | undefined, q: string, redact: Redact, log: Logger, timeoutMs = 3000): Promise<QueryEmbedding> {
  if (!embedder) return { vector: null, reason: 'no_key', tokens: 0 };
  try {
    const res = await embedder.embed([redact(q)], 'query', { signal: AbortSignal.timeout(timeoutMs) });
    return { vector: res.vectors[0] ?? null, reason: res.vectors[0] ? null : 'error', tokens: res.tokens };
  } catch (err) {
    log.warn('query embedding failed; full-text only', { error: err instanceof Error ? err.message : String(err) });
    return { vector: null, reason: 'error', tokens: 0 };
  }
}

export interface HybridResult {
  mode: 'hybrid' | 'full_text';
  /** Present when mode is full_text: why the vector half did not run. */
  reason: 'no_key' | 'error' | 'no_vectors' | null;
  refs: FusedRef[];
}

/**
 * Fuses lexical candidates (the caller's full-text list, or ours) with vector hits. With no
 * query vector it is the lexical list alone, flagged full_text.
 */
export async function hybridRank(
  tx: Tx,
  q: string,
  query: QueryEmbedding,
  model: string | null,
  opts: { limit?: number; kinds?: SourceKind[]; lexical?: SearchRef[] } = {},
): Promise<HybridResult> {
  const lexical = opts.lexical ?? (await textCandidates(tx, q, { kinds: opts.kinds, limit: 30 }));
  const limit = opts.limit ?? 20;
  const asText = (reason: HybridResult['reason']): HybridResult => ({
    mode: 'full_text',
    reason,
    refs: lexical.slice(0, limit).map((r, i) => ({ ...r, score: 1 / (60 + i + 1), textRank: i + 1, vectorRank: null, similarity: null })),
  });
  if (!query.vector || !model) return asText(query.reason ?? 'no_key');
  const hits = meaningfulVectorHits(await vectorSearch(tx, model, query.vector, { kinds: opts.kinds, limit: 30 }));
  const [any] = await tx<[{ n: number }?]>`select 1 as n from embeddings where model = ${model} limit 1`;
  if (!any) return asText('no_vectors');
  return { mode: 'hybrid', reason: null, refs: reciprocalRankFusion(lexical, hits).slice(0, limit) };
}

// ---- GET /v1/search: the engine's full-text search, fused with vectors when Voyage is configured ----

export interface HybridSearchHit extends SearchHit {
  /** Which halves found it: the words, the meaning, or both. */
  matchedBy: ('text' | 'meaning')[];
  similarity: number | null;
}

export interface SearchResponse {
  hits: HybridSearchHit[];
  mode: 'hybrid' | 'full_text';
  /** True when only full-text search ran; `reason` says why (no_key, error, no_vectors). */
  fullTextOnly: boolean;
  reason: HybridResult['reason'];
}

const typeToKind = (t: SearchHitType): SourceKind => t;

/** Title and snippet for hits only the vector half found (full-text gave none for them). */
async function describeRefs(tx: Tx, refs: SearchRef[]): Promise<Map<string, { title: string; snippet: string }>> {
  const out = new Map<string, { title: string; snippet: string }>();
  const ids = (k: SourceKind) => refs.filter((r) => r.kind === k).map((r) => r.id);
  const clip = (s: string) => s.replace(/[#*`\\_>|]+/g, '').replace(/\s+/g, ' ').trim().slice(0, 240);
  if (ids('flow').length) {
    for (const r of await tx<{ id: string; title: string; description: string }[]>`select id, title, description from flows where id = any(${ids('flow')}::uuid[]) and deleted_at is null`) {
      out.set(`flow:${r.id}`, { title: r.title, snippet: clip(r.description) });
    }
  }
  if (ids('session').length) {
    for (const r of await tx<{ id: string; ticket_external_id: string; ticket_summary: string | null; root_cause: string | null; resolution_note_markdown: string | null }[]>`
      select id, ticket_external_id, ticket_summary, root_cause, resolution_note_markdown from ai_sessions where id = any(${ids('session')}::uuid[]) and status = 'resolved'`) {
      out.set(`session:${r.id}`, { title: `#${r.ticket_external_id}: ${r.ticket_summary ?? 'untitled ticket'}`, snippet: clip(`${r.root_cause ? r.root_cause + '. ' : ''}${r.resolution_note_markdown ?? ''}`) });
    }
  }
  if (ids('script').length) {
    for (const r of await tx<{ id: string; name: string; description: string; body: string }[]>`select id, name, description, body from script_templates where id = any(${ids('script')}::uuid[])`) {
      out.set(`script:${r.id}`, { title: r.name, snippet: clip(r.description || r.body) });
    }
  }
  return out;
}

/**
 * The search behind GET /v1/search. Without an embedder (or when the query embedding fails) it is
 * the engine's full-text search unchanged, flagged fullTextOnly. With one, lexical candidates
 * (all-words hits first, then any-word hits for recall) are fused with meaningful vector hits.
 */
export async function searchKnowledge(
  deps: { embedder?: Embedder; log: Logger },
  tenant: TenantRunner,
  q: string,
  opts: { types?: readonly SearchHitType[]; limit?: number } = {},
): Promise<SearchResponse> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const textOnly = (hits: SearchHit[], reason: HybridResult['reason']): SearchResponse => ({
    hits: hits.map((h) => ({ ...h, matchedBy: ['text'], similarity: null })),
    mode: 'full_text',
    fullTextOnly: true,
    reason,
  });
  if (!deps.embedder) return textOnly(await tenant((tx) => fullTextSearch(tx, q, { types: opts.types, limit })), 'no_key');

  const redact = redactorFor(await tenant((tx) => readPreferences(tx)));
  const query = await embedQuery(deps.embedder, q, redact, deps.log);
  const model = deps.embedder.model;
  return tenant(async (tx) => {
    const all = await fullTextSearch(tx, q, { types: opts.types, limit: 30, match: 'all' });
    if (!query.vector) return textOnly(all.slice(0, limit), query.reason);
    const any = await fullTextSearch(tx, q, { types: opts.types, limit: 30, match: 'any' });
    const lexical = new Map<string, SearchHit>();
    for (const h of [...all, ...any]) if (!lexical.has(`${h.type}:${h.id}`)) lexical.set(`${h.type}:${h.id}`, h);
    const ranked = await hybridRank(tx, q, query, model, {
      limit,
      kinds: opts.types?.map(typeToKind),
      lexical: [...lexical.values()].map((h) => ({ kind: typeToKind(h.type), id: h.id })),
    });
    if (ranked.mode === 'full_text') return textOnly(all.slice(0, limit), ranked.reason);
    const missing = ranked.refs.filter((r) => !lexical.has(`${r.kind}:${r.id}`));
    const described = await describeRefs(tx, missing);
    const top = ranked.refs[0]?.score ?? 1;
    const hits: HybridSearchHit[] = [];
    for (const r of ranked.refs) {
      const k = `${r.kind}:${r.id}`;
      const base = lexical.get(k) ?? (described.has(k) ? { type: r.kind, id: r.id, ...described.get(k)!, rank: 0 } : null);
      if (!base) continue; // a vector for a row that is gone (its job has not run yet)
      hits.push({
        ...base,
        rank: Number((r.score / top).toFixed(6)),
        matchedBy: [...(r.textRank !== null ? (['text'] as const) : []), ...(r.vectorRank !== null ? (['meaning'] as const) : [])],
        similarity: r.similarity === null ? null : Number(r.similarity.toFixed(4)),
      });
    }
    return { hits, mode: 'hybrid', fullTextOnly: false, reason: null };
  });
}
