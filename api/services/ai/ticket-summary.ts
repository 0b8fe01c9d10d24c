// The ticket summary: three lines (the problem, what was tried, what the customer waits for), by the fast model or extracted offline; cached on ConnectWise's lastUpdated.
import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import type { Tier } from '../copilot/types.js';
import { readPreferences, type Preferences } from '../settings.js';
import { askModel, assertPreviewed, field, recordQuietly, reportTool, usageOf, withDataRule, type ModelPayload, type OutboundField, type SessionJobParams, type ToolAnswer } from './outbound.js';
import { redactorFor, type Redact } from './privacy.js';
import { trimText } from './prompt.js';
import { loadTicketMaterial, type TicketMaterial } from './ticket-material.js';

export const SUMMARY_TOOL = 'write_ticket_summary';

export interface TicketSummary {
  problem: string;
  tried: string;
  waiting: string;
}

export interface SummaryResult {
  summary: TicketSummary & { lines: [string, string, string] };
  tier: Tier;
  model: string | null;
  source: TicketMaterial['source'];
  cached: boolean;
  lastUpdated: string | null;
  notesUsed: number;
  fallbackReason: string | null;
  psaError: string | null;
}

const line = z.string().trim().min(1).max(400);
const summarySchema = z.object({ problem: line, tried: line, waiting: line });

const SYSTEM = withDataRule(`You are FlowPilot, summarising a ConnectWise service ticket for the MSP engineer about to work it.
Answer only by calling the ${SUMMARY_TOOL} tool, exactly once, with three short lines (one sentence each, under 200 characters):
- problem: what is wrong, for whom, since when;
- tried: what has been tried or found according to the notes (say "Nothing recorded yet." when the notes show nothing);
- waiting: what the customer is waiting for right now.
Text shown as [redacted …] was removed for privacy; never ask for it.`);

const summaryTool = reportTool(SUMMARY_TOOL, 'Report the three-line summary of the ticket.', {
  problem: { type: 'string', description: 'One sentence, under 200 characters.' },
  tried: { type: 'string', description: 'One sentence, under 200 characters.' },
  waiting: { type: 'string', description: 'One sentence, under 200 characters.' },
});

const MAX_NOTES = 30;

/** The fields a summary request sends (redacted): the ticket, its description and the newest notes. */
export function summaryFields(m: TicketMaterial, redact: Redact): OutboundField[] {
  const t = m.ticket;
  const notes = m.notes.slice(-MAX_NOTES);
  return [
    ...field('Ticket summary', redact(t.summary ?? '')),
    ...field('Company', redact(t.company ?? '')),
    ...field('Contact', redact(t.contact ?? '')),
    ...field('Status', t.status, false),
    ...field('Priority', t.priority, false),
    ...field('Description', trimText(redact(t.description ?? ''), 1000)),
    ...notes.flatMap((n, i) =>
      field(`Note ${i + 1} of ${notes.length} (${n.author}${n.internal ? ', internal' : ''}${n.resolution ? ', resolution' : ''}${n.at ? `, ${n.at.slice(0, 16)}` : ''})`, trimText(redact(n.text), 400)),
    ),
  ];
}

export const summaryPayload = (m: TicketMaterial, redact: Redact): ModelPayload => ({ system: SYSTEM, fields: summaryFields(m, redact), tool: summaryTool });

const firstSentence = (text: string, max = 220) => {
  const clean = text.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(clean);
  const s = m ? m[1]! : clean;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

/** Offline: the summary extracted from what is available — no model, never an error. */
export function extractiveSummary(m: TicketMaterial, redact: Redact): TicketSummary {
  const t = m.ticket;
  const subject = redact(t.summary ?? '').trim() || `Ticket #${t.externalId}`;
  const detail = t.description ? firstSentence(redact(t.description)) : '';
  const problem = detail && !detail.toLowerCase().includes(subject.toLowerCase()) ? `${subject}: ${detail}` : subject;
  const engineer = m.notes.filter((n) => n.author === 'engineer');
  const tried = engineer.length ? engineer.slice(-2).map((n) => firstSentence(redact(n.text), 160)).join(' ') : 'Nothing recorded yet.';
  const lastCustomer = [...m.notes].reverse().find((n) => n.author === 'customer');
  const lastEngineerAt = engineer.at(-1)?.at ?? '';
  const waiting =
    lastCustomer && (lastCustomer.at ?? '') >= lastEngineerAt
      ? `An answer to their latest message: "${firstSentence(redact(lastCustomer.text), 160)}"`
      : `A fix for "${subject}"${t.status ? ` (status: ${t.status})` : ''}.`;
  return { problem, tried, waiting };
}

interface CacheRow {
  last_updated: string;
  tier: Tier;
  model: string | null;
  summary: TicketSummary & { notesUsed?: number };
}

async function readCache(tx: Tx, m: TicketMaterial): Promise<CacheRow | undefined> {
  const [row] = await tx<[CacheRow?]>`
    select last_updated, tier, model, summary from ticket_summaries where psa = ${m.ticket.psa} and ticket_external_id = ${m.ticket.externalId}`;
  return row;
}

async function writeCache(tx: Tx, accountId: string, m: TicketMaterial, r: { tier: Tier; model: string | null; summary: TicketSummary; notesUsed: number }) {
  await tx`
    insert into ticket_summaries (account_id, psa, ticket_external_id, last_updated, tier, model, summary)
    values (${accountId}, ${m.ticket.psa}, ${m.ticket.externalId}, ${m.lastUpdated!}, ${r.tier}, ${r.model}, ${tx.json({ ...r.summary, notesUsed: r.notesUsed } as never)})
    on conflict (account_id, psa, ticket_external_id) do update
      set last_updated = excluded.last_updated, tier = excluded.tier, model = excluded.model, summary = excluded.summary, created_at = now()`;
}

const result = (s: TicketSummary, rest: Omit<SummaryResult, 'summary'>): SummaryResult => ({ summary: { ...s, lines: [s.problem, s.tried, s.waiting] }, ...rest });

export type SummaryParams = SessionJobParams;

export async function summarizeTicket(p: SummaryParams): Promise<SummaryResult> {
  const started = performance.now();
  const llm = p.deps.ai?.llm;
  const material = await loadTicketMaterial(p.deps, p.tenant, p.sessionId, p.deps.log);
  const cacheable = material.source === 'connectwise' && material.lastUpdated !== null;
  const { prefs, cached } = await p.tenant(async (tx) => {
    const prefs: Preferences = await readPreferences(tx);
    const cached = cacheable ? await readCache(tx, material) : undefined;
    // A summary stays valid while the ticket is unchanged — an offline one only until a model is configured.
    const hit = cached && cached.last_updated === material.lastUpdated && (cached.tier !== 'offline' || !llm) ? cached : undefined;
    if (!hit && llm) await assertPreviewed(tx, prefs, p.sessionId, 'summary');
    return { prefs, cached: hit };
  });
  const base = { source: material.source, lastUpdated: material.lastUpdated, psaError: material.psaError, fallbackReason: null };
  if (cached) {
    const { notesUsed, ...s } = cached.summary;
    return result(s, { ...base, tier: cached.tier, model: cached.model, cached: true, notesUsed: notesUsed ?? 0 });
  }

  const redact = redactorFor(prefs);
  const notesUsed = Math.min(material.notes.length, MAX_NOTES);
  let answer: ToolAnswer<TicketSummary> | null = null;
  if (llm) {
    answer = await askModel(llm, { model: prefs.ai.fastModel, payload: summaryPayload(material, redact), schema: summarySchema, maxTokens: 600, timeoutMs: p.timeoutMs ?? 20_000, signal: p.signal });
  }
  // The model's lines are redacted again: a note could have led it to repeat something the rules hide.
  const summary = answer?.value ? { problem: redact(answer.value.problem), tried: redact(answer.value.tried), waiting: redact(answer.value.waiting) } : extractiveSummary(material, redact);
  const tier: Tier = answer?.value ? 'fast' : 'offline';
  const model = answer?.value ? answer.model : null;
  await p.tenant(async (tx) => {
    await recordQuietly(tx, p.deps.log, usageOf({ ...p.who, sessionId: p.sessionId }, 'summary', llm ? 'fast' : 'offline', answer, performance.now() - started));
    // A failed model call is not cached: the next open tries again.
    if (cacheable && (!llm || answer?.value)) await writeCache(tx, p.who.accountId, material, { tier, model, summary, notesUsed });
  });
  return result(summary, { ...base, tier, model, cached: false, notesUsed, fallbackReason: answer?.failure ?? null });
}
