// Full-text search over what an account knows: flows, resolved sessions and script templates,
// ranked together. Built so a vector ranking can be fused in later (see SearchHit.rank and ranked lists per type).
import type { Tx } from '../db/database.js';
import { tsQuery } from '../lib/tsquery.js';

export type SearchHitType = 'flow' | 'session' | 'script';
export const SEARCH_TYPES: readonly SearchHitType[] = ['flow', 'session', 'script'];

export interface SearchHit {
  type: SearchHitType;
  id: string;
  title: string;
  /** Plain text around the matches, matched words between « and ». Never HTML. */
  snippet: string;
  /** Full-text rank normalised to 0..1 (ts_rank_cd / (1 + ts_rank_cd)); comparable across types. */
  rank: number;
}

export interface SearchOptions {
  types?: readonly SearchHitType[];
  /** Hits returned in all (default 20, at most 100). */
  limit?: number;
  /** 'all' = every word must match (a search box); 'any' = any word may (matching a ticket to knowledge). */
  match?: 'all' | 'any';
}

const HEADLINE = 'StartSel=«, StopSel=», MaxWords=28, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * Ranked hits for `q` in the caller's tenant transaction (RLS keeps it to the account). Only live
 * flows and resolved sessions are searched; session snippets come from the stored, redacted note.
 */
export async function fullTextSearch(tx: Tx, q: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
  const tsq = tsQuery(q, opts.match === 'any' ? 'any' : 'all-prefix');
  if (!tsq) return [];
  const types = new Set(opts.types?.length ? opts.types : SEARCH_TYPES);
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  // Every match is ranked (exactly as before), but titles and ts_headline — the expensive part,
  // it re-parses the document text — are computed only for the `limit` hits returned, not for
  // every match (a broad word matches tens of thousands of resolved sessions).
  const rows = await tx<{ type: SearchHitType; id: string; title: string; snippet: string; rank: number }[]>`
    with q as (select to_tsquery('english', ${tsq}) as query),
    top as (
      select * from (
        select 'flow'::text as type, f.id, ts_rank_cd(f.search, q.query, 32)::float8 as rank
        from flows f, q
        where ${types.has('flow')} and f.deleted_at is null and f.search @@ q.query
        union all
        select 'session', s.id, ts_rank_cd(s.search, q.query, 32)::float8
        from ai_sessions s, q
        where ${types.has('session')} and s.status = 'resolved' and s.search @@ q.query
        union all
        select 'script', t.id, ts_rank_cd(t.search, q.query, 32)::float8
        from script_templates t, q
        where ${types.has('script')} and t.search @@ q.query
      ) hits
      order by rank desc, type, id
      limit ${limit}
    )
    select top.type, top.id, d.title, d.snippet, top.rank
    from top cross join q cross join lateral (
      select f.title, ts_headline('english', f.description, q.query, ${HEADLINE}) as snippet
      from flows f where top.type = 'flow' and f.id = top.id
      union all
      select '#' || s.ticket_external_id || ': ' || coalesce(s.ticket_summary, 'untitled ticket'),
             ts_headline('english',
               coalesce(s.root_cause || '. ', '') || regexp_replace(coalesce(s.resolution_note_markdown, ''), '[#*\`\\\\_>|]+', '', 'g'),
               q.query, ${HEADLINE})
      from ai_sessions s where top.type = 'session' and s.id = top.id
      union all
      select t.name, ts_headline('english', coalesce(nullif(t.description, ''), t.body), q.query, ${HEADLINE})
      from script_templates t where top.type = 'script' and t.id = top.id
    ) d
    order by top.rank desc, top.type, top.id`;
  return rows.map((r) => ({ type: r.type, id: r.id, title: r.title, snippet: r.snippet.replace(/\s+/g, ' ').trim(), rank: Number(r.rank.toFixed(6)) }));
}
