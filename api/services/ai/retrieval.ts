// Retrieval for Ask: past resolutions, flows, scripts (hybrid with Voyage when configured) and client memory, as numbered sources.
import type { Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import type { FlowGraph } from '../flow-graph.js';
import { fullTextSearch } from '../search.js';
import { activeMemoryFor, searchMemory, type MemoryRow } from '../client-memory.js';
import { embedQuery, hybridRank, type QueryEmbedding } from './hybrid.js';
import type { Redact } from './privacy.js';
import type { Embedder } from './types.js';

export type SourceKind = 'session' | 'flow' | 'script' | 'memory';

/** One retrieved item: what the panel links to and what the answer may cite as [n]. */
export interface AskSource {
  /** The citation number used in the answer text ("[2]"). */
  n: number;
  kind: SourceKind;
  id: string;
  title: string;
  /** The API path of the item (the panel turns it into a link). */
  ref: string;
  /** One or two lines of what it says, redacted. */
  snippet: string;
}

/** A source with the full evidence text the answer is built from (never returned to the client as is). */
export interface RetrievedSource extends AskSource {
  /** session: the fix that worked and the root cause; flow: description and first steps; script: what it does; memory: the fact. */
  detail: { lead: string; extra: string[] };
}

export interface Retrieval {
  sources: RetrievedSource[];
  mode: 'hybrid' | 'full_text';
  /** Why only full-text ran (no_key, error, no_vectors), or null in hybrid mode. */
  reason: 'no_key' | 'error' | 'no_vectors' | null;
  embeddingTokens: number;
}

export interface RetrieveOptions {
  /** The session's company: its confirmed client memory comes first. */
  company?: string | null;
  /** The asking session itself is never a "past resolution". */
  excludeSessionId?: string;
  /** Knowledge items (sessions, flows, scripts) at most; memory facts come on top (default 5). */
  limit?: number;
}

const REF: Record<SourceKind, (id: string) => string> = {
  session: (id) => `/v1/sessions/${id}`,
  flow: (id) => `/v1/flows/${id}`,
  script: (id) => `/v1/script-templates/${id}`,
  memory: (id) => `/v1/client-memory/${id}`,
};

const clip = (s: string, n: number) => {
  // Markdown markers only: underscores and backslashes belong to commands and paths.
  const t = s.replace(/[#*`>|]+/g, '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1).trimEnd()}…` : t;
};
const firstSentence = (s: string) => clip(s, 400).match(/^.*?[.!?](?=\s|$)/)?.[0] ?? clip(s, 200);

type Ref = { kind: Exclude<SourceKind, 'memory'>; id: string };

/** The evidence of each hit, in the order given; rows gone since the search are skipped. */
async function describe(tx: Tx, refs: Ref[], redact: Redact): Promise<Omit<RetrievedSource, 'n'>[]> {
  const ids = (k: Ref['kind']) => refs.filter((r) => r.kind === k).map((r) => r.id);
  const out = new Map<string, Omit<RetrievedSource, 'n'>>();
  if (ids('session').length) {
    const rows = await tx<{ id: string; ticket_external_id: string; ticket_summary: string | null; ticket_company: string | null; root_cause: string | null; fix_title: string | null; fix_body: string | null }[]>`
      select s.id, s.ticket_external_id, s.ticket_summary, s.ticket_company, s.root_cause, f.title as fix_title, f.body as fix_body
      from ai_sessions s
      left join session_suggested_fixes f on f.session_id = s.id and f.superseded_at is null and f.decision is distinct from 'dismissed'
      where s.id = any(${ids('session')}::uuid[]) and s.status = 'resolved'`;
    for (const r of rows) {
      const title = redact(`#${r.ticket_external_id}: ${r.ticket_summary ?? 'untitled ticket'}`);
      const fix = r.fix_title ? redact(r.fix_title.trim().replace(/[.\s]+$/, '')) : null;
      const rootCause = r.root_cause ? redact(r.root_cause.trim().replace(/[.\s]+$/, '')) : null;
      const lead = fix ? `fixed by “${fix}”` : rootCause ? `resolved; root cause: ${rootCause}` : 'resolved (no fix recorded)';
      const extra = [fix && rootCause ? `Root cause: ${rootCause}.` : null, r.fix_body ? firstSentence(redact(r.fix_body)) : null, r.ticket_company ? `Company: ${redact(r.ticket_company)}.` : null];
      out.set(`session:${r.id}`, { kind: 'session', id: r.id, title, ref: REF.session(r.id), snippet: clip(`${lead}${rootCause && fix ? ` (root cause: ${rootCause})` : ''}`, 240), detail: { lead, extra: extra.filter((x): x is string => !!x) } });
    }
  }
  if (ids('flow').length) {
    const rows = await tx<{ id: string; title: string; description: string; graph: FlowGraph }[]>`
      select id, title, description, graph from flows where id = any(${ids('flow')}::uuid[]) and deleted_at is null`;
    for (const r of rows) {
      const steps = walkFromStart(r.graph, 3);
      const lead = r.description ? firstSentence(redact(r.description)) : `a ${steps.length}-step flow`;
      const extra = steps.length ? [`It starts with: ${steps.map((s) => redact(s)).join('; then ')}.`] : [];
      out.set(`flow:${r.id}`, { kind: 'flow', id: r.id, title: redact(r.title), ref: REF.flow(r.id), snippet: clip(lead, 240), detail: { lead, extra } });
    }
  }
  if (ids('script').length) {
    const rows = await tx<{ id: string; name: string; description: string; language: string; body: string }[]>`
      select id, name, description, language, body from script_templates where id = any(${ids('script')}::uuid[])`;
    for (const r of rows) {
      const firstLine = redact(r.body.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 160);
      const lead = r.description ? firstSentence(redact(r.description)) : `runs \`${firstLine}\``;
      const extra = r.description && firstLine ? [`${r.language} — it runs \`${firstLine}\`.`] : [];
      out.set(`script:${r.id}`, { kind: 'script', id: r.id, title: redact(r.name), ref: REF.script(r.id), snippet: clip(lead, 240), detail: { lead, extra } });
    }
  }
  return refs.flatMap((r) => out.get(`${r.kind}:${r.id}`) ?? []);
}

/** The titles of the first steps along each node's first option. */
function walkFromStart(graph: FlowGraph, max: number): string[] {
  const titles: string[] = [];
  const seen = new Set<string>();
  let node = graph.nodes.find((n) => n.id === graph.start);
  while (node && titles.length < max && !seen.has(node.id)) {
    seen.add(node.id);
    titles.push(node.title);
    const next = node.options[0]?.next;
    node = next ? graph.nodes.find((n) => n.id === next) : undefined;
  }
  return titles;
}

const memorySource = (m: MemoryRow, redact: Redact): Omit<RetrievedSource, 'n'> => {
  const text = redact(m.text);
  const from = m.source_ticket ? ` (learned from ticket ${m.source_ticket})` : '';
  return {
    kind: 'memory',
    id: m.id,
    title: redact(`${m.company}: ${m.kind}`),
    ref: REF.memory(m.id),
    snippet: clip(text, 240),
    detail: { lead: text, extra: from ? [`Recorded for ${redact(m.company)}${from}.`] : [] },
  };
};

/**
 * Finds what the team already knows about `question`: confirmed client memory of the company (and
 * memory whose words match), then past resolutions, flows and scripts — any-word full-text, fused
 * with vector hits when an embedder is configured. Two short tenant transactions; the query is
 * embedded (redacted) between them, with no connection held.
 */
export async function retrieve(
  deps: { embedder?: Embedder; log: Logger },
  tenant: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
  question: string,
  redact: Redact,
  opts: RetrieveOptions = {},
): Promise<Retrieval> {
  const limit = opts.limit ?? 5;
  const query: QueryEmbedding = await embedQuery(deps.embedder, question, redact, deps.log);
  return tenant(async (tx) => {
    const lexical = (await fullTextSearch(tx, question, { match: 'any', limit: 30 })).filter((h) => h.id !== opts.excludeSessionId);
    let refs: Ref[] = lexical.map((h) => ({ kind: h.type, id: h.id }));
    let mode: Retrieval['mode'] = 'full_text';
    let reason: Retrieval['reason'] = query.reason;
    if (query.vector && deps.embedder) {
      const ranked = await hybridRank(tx, question, query, deps.embedder.model, { lexical: refs, limit: limit + 1 });
      mode = ranked.mode;
      reason = ranked.reason;
      if (ranked.mode === 'hybrid') refs = ranked.refs.filter((r) => r.kind !== 'session' || r.id !== opts.excludeSessionId).map((r) => ({ kind: r.kind, id: r.id }));
    }
    const knowledge = (await describe(tx, refs.slice(0, limit + 1), redact)).slice(0, limit);
    const companyFacts = opts.company ? await activeMemoryFor(tx, opts.company) : [];
    const matching = await searchMemory(tx, question, 4);
    const memory = [...companyFacts, ...matching.filter((m) => !companyFacts.some((c) => c.id === m.id))].slice(0, 6);
    const sources = [...memory.map((m) => memorySource(m, redact)), ...knowledge].map((s, i) => ({ ...s, n: i + 1 }));
    return { sources, mode, reason: mode === 'hybrid' ? null : reason, embeddingTokens: query.tokens };
  });
}

/** What the client sees of a source (the evidence text stays server-side). */
export const publicSource = ({ detail: _detail, ...s }: RetrievedSource): AskSource => s;
