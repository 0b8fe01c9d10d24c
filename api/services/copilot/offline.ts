// The offline copilot: rules and full-text search instead of a model. Deterministic — the same
// session state gives the same suggestion — and every part says why.
import type { Tx } from '../../db/database.js';
import type { FlowNode } from '../flow-graph.js';
import { loadRedactionRules, redactText, type RedactionRules } from '../redaction/index.js';
import { activeFacts, activeFix, getSession, type SessionRow } from '../sessions/index.js';
import { tsQuery } from '../../lib/tsquery.js';
import { bandOf, type ProposedFact, type ProposedFix, type SuggestedFlow, type SuggestedStep, type Suggestion } from './types.js';

export interface OfflineSuggestOptions {
  /** How many flows to propose when the session has none (default 3). */
  maxFlows?: number;
  /** How many facts to propose at most (default 8). */
  maxFacts?: number;
  /** Redaction rules to use instead of the account's settings. */
  rules?: RedactionRules;
  /** An extra redaction step applied after the rules (the AI layer passes its own). */
  redact?: (text: string) => string;
}

type Clean = (text: string) => string;

// ---- facts by rules -----------------------------------------------------------------------------

interface FactRule {
  label: string;
  re: RegExp;
  /** Which capture group is the value (default 0). */
  group?: number;
  accept?: (value: string) => boolean;
  format: (value: string) => string;
}

const validIp = (ip: string) => ip.split('.').every((o) => Number(o) <= 255 && !(o.length > 1 && o.startsWith('0')));
const TLD = '(?:com|net|org|local|lan|corp|internal|intra|io|co|uk|de|fr|nl|eu|us|ca|au|nz|edu|gov|biz|info|cloud|app|dev|office|onmicrosoft)';

export const FACT_RULES: FactRule[] = [
  { label: 'error code', re: /\b0x[0-9A-Fa-f]{8}\b/g, format: (v) => `Error code ${v.toUpperCase().replace('0X', '0x')}` },
  { label: 'error code', re: /\bAADSTS\d{5,6}\b/g, format: (v) => `Sign-in error ${v}` },
  { label: 'error code', re: /\b(?:ERR|NET::ERR|DNS_PROBE)_[A-Z_]{4,}\b/g, format: (v) => `Browser error ${v}` },
  { label: 'error code', re: /\b(?:event\s*(?:id)?|eventid)\s*[:#]?\s*(\d{2,5})\b/gi, group: 1, format: (v) => `Event ID ${v}` },
  { label: 'error code', re: /\b(?:error|err|code|status)\s*[:#]?\s*(\d{3,5})\b/gi, group: 1, format: (v) => `Error ${v}` },
  { label: 'error code', re: /\bHTTP\s*([45]\d\d)\b/gi, group: 1, format: (v) => `HTTP error ${v}` },
  { label: 'IP address', re: /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g, accept: validIp, format: (v) => `IP address ${v}` },
  { label: 'user', re: /\b[A-Z][A-Z0-9-]{1,14}\\[A-Za-z][\w.-]{1,30}\b/g, format: (v) => `User ${v}` },
  { label: 'user', re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, format: (v) => `User ${v.toLowerCase()}` },
  { label: 'user', re: /\b(?:user(?:name)?|account|login|upn|samaccountname)\s*[:=]\s*([A-Za-z][\w.-]{1,30})\b/gi, group: 1, format: (v) => `User ${v}` },
  { label: 'host', re: /\\\\[A-Za-z0-9][\w.-]{0,62}(?:\\[\w$.-]+)*/g, format: (v) => `Share ${v}` },
  { label: 'host', re: new RegExp(String.raw`\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+${TLD}\b`, 'gi'), accept: (v) => !/@/.test(v) && v.split('.').length >= 2, format: (v) => `Host ${v.toLowerCase()}` },
  { label: 'host', re: /\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z]{2})[A-Z][A-Z0-9]*-[A-Z0-9-]*[A-Z0-9]\b/g, accept: (v) => v.length >= 4 && v.length <= 15, format: (v) => `Host ${v}` },
  { label: 'version', re: /\b(?:Windows|Win)\s?(?:Server\s)?(?:7|8\.1|10|11|20(?:12|16|19|22|25))(?:\s?R2)?(?:\s(?:\d{2}H\d|version \d{4}))?\b/gi, format: (v) => `OS ${v.replace(/^win\b/i, 'Windows')}` },
  { label: 'version', re: /\b(?:version|ver|v|build)\s?(\d+(?:\.\d+){1,3}|\d{4,6})\b/gi, group: 1, format: (v) => `Version ${v}` },
  { label: 'version', re: /(?<![\d.])\d{1,2}\.\d{1,2}\.\d{3,5}(?:\.\d{1,5})?(?![\d.])/g, format: (v) => `Version ${v}` },
  { label: 'time', re: /\bevery\s+(?:\d+\s+)?(?:few\s+)?(?:seconds?|minutes?|mins?|hours?|days?)\b/gi, format: (v) => `Happens ${v.toLowerCase()}` },
  { label: 'time', re: /\bsince\s+(?:(?:last\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|night|month)|yesterday|this morning|today|the (?:update|migration|upgrade|move|reboot)|\d{1,2}(?::\d\d)?\s?[ap]m|\d{4}-\d\d-\d\d)\b/gi, format: (v) => `Started ${v.toLowerCase()}` },
  { label: 'time', re: /\b(?:at|around|about)\s+((?:[01]?\d|2[0-3]):[0-5]\d(?:\s?[ap]m)?|\d{1,2}\s?[ap]m)\b/gi, group: 1, format: (v) => `Time noted: ${v}` },
];

interface TextSource {
  text: string;
  sourceRef: string;
  where: string;
}

function textSources(s: SessionRow, clean: Clean): TextSource[] {
  const out: TextSource[] = [];
  // Secrets never become facts: every source is redacted first.
  if (s.ticket_summary) out.push({ text: clean(s.ticket_summary), sourceRef: 'ticket', where: 'the ticket summary' });
  if (s.ticket_description) out.push({ text: clean(s.ticket_description), sourceRef: 'ticket', where: 'the ticket description' });
  for (const item of s.pending_task_lane) {
    const text = [item.text, item.kind === 'step' ? item.optionLabel : undefined].filter(Boolean).join(' ');
    if (!text || item.kind === 'status') continue;
    out.push({ text: clean(text), sourceRef: `lane:${item.id}`, where: `the ${item.kind} at ${item.at.slice(11, 16)} UTC` });
  }
  return out;
}

/** Facts the rules find in the ticket and the timeline, minus what the session already knows. */
export function extractFacts(sources: TextSource[], known: string[], max: number): (ProposedFact & { value: string; label: string })[] {
  const knownText = known.join('\n').toLowerCase();
  const seen = new Set<string>();
  const found: (ProposedFact & { value: string; label: string; order: number })[] = [];
  sources.forEach((src, si) => {
    const taken: [number, number][] = [];
    for (const rule of FACT_RULES) {
      rule.re.lastIndex = 0;
      for (const m of src.text.matchAll(rule.re)) {
        const value = (rule.group ? m[rule.group] : m[0])?.trim();
        if (!value || (rule.accept && !rule.accept(value))) continue;
        const start = m.index!;
        const end = start + m[0].length;
        if (taken.some(([a, b]) => start < b && end > a)) continue; // one fact per stretch of text
        taken.push([start, end]);
        const key = value.toLowerCase();
        if (seen.has(key) || knownText.includes(key)) continue;
        seen.add(key);
        found.push({ text: rule.format(value), sourceRef: src.sourceRef, why: `Found ${rule.label} "${value}" in ${src.where}.`, value, label: rule.label, order: si * 100_000 + start });
      }
    }
  });
  return found
    .sort((a, b) => a.order - b.order)
    .slice(0, max)
    .map(({ order: _order, ...f }) => f);
}

// ---- flows for a ticket -------------------------------------------------------------------------

async function flowsForTicket(tx: Tx, s: SessionRow, max: number, clean: Clean): Promise<SuggestedFlow[]> {
  const summary = tsQuery(clean(s.ticket_summary ?? ''), 'any');
  const description = tsQuery(clean(s.ticket_description ?? '').slice(0, 2000), 'any');
  if (!summary && !description) return [];
  // The summary is what the engineer reads first; the description adds weaker evidence.
  const rows = await tx<{ id: string; title: string; kind: string; score: number; matched: string[] }[]>`
    with q as (
      select to_tsquery('english', ${summary ?? ''}) as qs, to_tsquery('english', ${description ?? ''}) as qd
    )
    select f.id, f.title, f.kind,
           (ts_rank(f.search, q.qs) + 0.35 * ts_rank(f.search, q.qd))::float8 as score,
           array(select w from unnest(${(summary ?? '').split(' | ').filter(Boolean)}::text[]) w
                 where f.search @@ plainto_tsquery('english', w) order by w) as matched
    from flows f, q
    where f.deleted_at is null and (f.search @@ q.qs or f.search @@ q.qd)
    order by score desc, f.title, f.id
    limit ${max}`;
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    score: Number(r.score.toFixed(4)),
    why: r.matched.length ? `The ticket's words ${r.matched.map((w) => `"${w}"`).join(', ')} match this flow.` : "The ticket's description matches this flow.",
  }));
}

// ---- a fix from similar resolved sessions ---------------------------------------------------------

const ERROR_RULES = FACT_RULES.filter((r) => r.label === 'error code');

function errorCodes(text: string): string[] {
  const codes = new Set<string>();
  for (const rule of ERROR_RULES) {
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      const v = (rule.group ? m[rule.group] : m[0])?.trim();
      if (v) codes.add(v.toLowerCase());
    }
  }
  return [...codes].sort();
}

interface SimilarRow {
  id: string;
  ticket_external_id: string;
  ticket_summary: string | null;
  evidence: string;
  fix_title: string;
  fix_body: string;
  rank: number;
}

async function fixFromSimilarSessions(tx: Tx, s: SessionRow, factTexts: string[], clean: Clean): Promise<(ProposedFix & { ticket: string }) | null> {
  const ownText = clean([s.ticket_summary, s.ticket_description, ...s.pending_task_lane.map((i) => i.text), ...factTexts].filter(Boolean).join('\n'));
  const codes = errorCodes(ownText);
  const words = tsQuery([s.ticket_summary ?? '', ...codes].join(' '), 'any') ?? tsQuery(ownText.slice(0, 1000), 'any');
  if (!words) return null;
  const rows = await tx<SimilarRow[]>`
    select s.id, s.ticket_external_id, s.ticket_summary,
           concat_ws(E'\n', s.ticket_summary, s.ticket_description, s.root_cause, s.resolution_note_markdown) as evidence,
           f.title as fix_title, f.body as fix_body,
           ts_rank(s.search, to_tsquery('english', ${words}))::float8 as rank
    from ai_sessions s
    join session_suggested_fixes f on f.session_id = s.id and f.superseded_at is null
      and f.decision in ('one_off', 'draft_template', 'build_template')
    where s.status = 'resolved' and s.id <> ${s.id} and s.search @@ to_tsquery('english', ${words})
    order by rank desc, s.ended_at desc nulls last, s.id
    limit 10`;
  let best: { row: SimilarRow; shared: string[]; score: number } | null = null;
  for (const row of rows) {
    const theirs = new Set(errorCodes(row.evidence));
    const shared = codes.filter((c) => theirs.has(c));
    const score = row.rank + shared.length; // the same error code outweighs any wording
    if (!best || score > best.score) best = { row, shared, score };
  }
  if (!best || (best.shared.length === 0 && best.row.rank < 0.05)) return null;
  const { row, shared } = best;
  const ticket = `#${row.ticket_external_id}`;
  const summary = row.ticket_summary ? ` ("${clean(row.ticket_summary)}")` : '';
  const why = shared.length
    ? `Because ticket ${ticket}${summary} with the same error (${shared.join(', ')}) was fixed by: ${clean(row.fix_title)}.`
    : `Because the similar ticket ${ticket}${summary} was fixed by: ${clean(row.fix_title)}.`;
  return {
    title: clean(row.fix_title),
    body: clean(row.fix_body),
    confidence: shared.length ? 0.85 : row.rank >= 0.3 ? 0.6 : 0.45,
    why,
    ticket,
  };
}

// ---- the suggestion -------------------------------------------------------------------------------

/**
 * What the offline copilot suggests for a session now: the current step's options; without a flow,
 * the best flows for the ticket; facts found by rules (each with its source); a fix from the
 * flow's solution or from the most similar resolved session. Runs in the caller's tenant
 * transaction and changes nothing. A session of another account is a 404 (AppError).
 */
export async function offlineSuggest(tx: Tx, sessionId: string, opts: OfflineSuggestOptions = {}): Promise<Suggestion> {
  const s = await getSession(tx, sessionId);
  const rules = opts.rules ?? (await loadRedactionRules(tx));
  const extra = opts.redact;
  const clean: Clean = (text) => (extra ? extra(redactText(text, rules)) : redactText(text, rules));
  const [facts, currentFix] = await Promise.all([activeFacts(tx, sessionId), activeFix(tx, sessionId)]);
  const reasons: string[] = [];
  let confidence = 0.2;

  let nextStep: SuggestedStep | null = null;
  let reachedSolution: FlowNode | undefined;
  const steps = s.pending_task_lane.filter((i) => i.kind === 'step').length;
  if (s.flow_graph) {
    const node = s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) : undefined;
    if (node) {
      nextStep = {
        nodeId: node.id,
        title: node.title,
        options: node.options.map((o) => ({ id: o.id, label: o.label })),
        why: `This is the next step of the flow after ${steps} step${steps === 1 ? '' : 's'}.`,
      };
      if (node.kind === 'solution') reachedSolution = node;
      confidence = Math.max(confidence, Math.min(0.75, 0.45 + 0.05 * steps));
      reasons.push(`The flow is at "${node.title}".`);
    } else {
      reasons.push('The flow is complete.');
      confidence = Math.max(confidence, 0.6);
    }
  }

  let flows: SuggestedFlow[] = [];
  if (!s.flow_graph) {
    flows = await flowsForTicket(tx, s, opts.maxFlows ?? 3, clean);
    reasons.push(flows.length ? `No flow chosen yet; "${flows[0]!.title}" matches the ticket best.` : 'No flow chosen yet, and none matches the ticket.');
  }

  const proposed = extractFacts(textSources(s, clean), facts.map((f) => f.text), opts.maxFacts ?? 8);
  if (proposed.length) reasons.push(`Found ${proposed.length} detail${proposed.length === 1 ? '' : 's'} worth recording.`);

  let fix: ProposedFix | null = null;
  if (reachedSolution) {
    fix = { title: clean(reachedSolution.title), body: clean(reachedSolution.body ?? ''), confidence: 0.8, why: `The flow reached the solution "${reachedSolution.title}".` };
  } else {
    const similar = await fixFromSimilarSessions(tx, s, facts.map((f) => f.text), clean);
    if (similar) {
      const { ticket: _ticket, ...rest } = similar;
      fix = rest;
    }
  }
  if (fix && currentFix && currentFix.title.trim().toLowerCase() === fix.title.trim().toLowerCase()) fix = null; // already proposed
  if (fix) {
    confidence = Math.max(confidence, fix.confidence);
    reasons.push(fix.why!);
  }

  confidence = Math.round(confidence * 100) / 100;
  return {
    nextStep,
    flows,
    facts: proposed.map(({ text, sourceRef, why }) => ({ text, sourceRef, why })),
    fix,
    confidence,
    band: bandOf(confidence),
    rationale: reasons.join(' '),
    tier: 'offline',
    model: null,
  };
}

// The AI layer's bridge types the offline copilot as (tx, sessionId, { redact? }) => Promise<Suggestion>.
export type OfflineSuggestFn = (tx: Tx, sessionId: string, opts?: OfflineSuggestOptions) => Promise<Suggestion>;
