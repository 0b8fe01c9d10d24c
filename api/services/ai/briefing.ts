// The escalation briefing for the next tier (known, ruled out, best hypothesis, what to try next): by the deep model, or from the session offline.
import { z } from 'zod';
import type { Tx } from '../../db/database.js';
import type { Tier } from '../copilot/types.js';
import { escapeHtml, escapeMarkdown, type NoteFormat } from '../notes/index.js';
import { activeFacts, activeFix, getSession, lockForWrite, type FactRow, type FixRow, type SessionRow } from '../sessions/index.js';
import { readPreferences } from '../settings.js';
import { askModel, assertPreviewed, field, recordQuietly, reportTool, usageOf, withDataRule, type ModelPayload, type OutboundField, type SessionJobParams, type ToolAnswer } from './outbound.js';
import { redactorFor, type Redact } from './privacy.js';
import { laneLine, trimHistory, trimText } from './prompt.js';

export const BRIEFING_TOOL = 'write_escalation_briefing';

export interface Briefing {
  known: string[];
  ruledOut: string[];
  hypothesis: string;
  next: string[];
}

export interface BriefingResult {
  briefing: Briefing;
  tier: Tier;
  model: string | null;
  fallbackReason: string | null;
  /** The session version the briefing belongs to (the escalation package's ETag). */
  stateVersion: number;
  /** True when the escalation package (preview and post) now carries this briefing. */
  inPackage: boolean;
}

const item = z.string().trim().min(1).max(300);
const briefingSchema = z.object({ known: z.array(item).max(10), ruledOut: z.array(item).max(10), hypothesis: z.string().trim().min(1).max(500), next: z.array(item).min(1).max(8) });

const SYSTEM = withDataRule(`You are FlowPilot, writing the briefing an MSP engineer hands to the next support tier when escalating a ConnectWise ticket.
Answer only by calling the ${BRIEFING_TOOL} tool, exactly once. Be specific and brief; every item one sentence.
- known: facts established so far (from the facts and timeline you are shown);
- ruledOut: causes or fixes already excluded, and how;
- hypothesis: the single most likely cause given the evidence;
- next: concrete checks or actions for the next tier, most promising first.
Do not invent results that are not in the timeline. Text shown as [redacted …] was removed for privacy; never ask for it.`);

const stringArray = (description: string) => ({ type: 'array', items: { type: 'string' }, description });
const briefingTool = reportTool(BRIEFING_TOOL, 'Report the escalation briefing.', {
  known: stringArray('Up to 10 established facts.'),
  ruledOut: stringArray('Up to 10 excluded causes or fixes, each with how it was excluded.'),
  hypothesis: { type: 'string', description: 'The most likely cause, one or two sentences.' },
  next: stringArray('1 to 8 next checks or actions, most promising first.'),
});

interface BriefingInput {
  session: SessionRow;
  facts: FactRow[];
  fix: FixRow | undefined;
}

/** The fields a briefing request sends (redacted): the ticket, why it is escalated, facts, the timeline, the fix tried. */
export function briefingFields(b: BriefingInput, redact: Redact): OutboundField[] {
  const s = b.session;
  const history = trimHistory(s.pending_task_lane.map((i) => redact(laneLine(i))), 4000);
  return [
    ...field('Ticket summary', redact(s.ticket_summary ?? '')),
    ...field('Priority', s.ticket_priority, false),
    ...field('Description', trimText(redact(s.ticket_description ?? ''), 1500)),
    ...field('Why it is escalated', redact(s.escalation_reason ?? '')),
    ...field('What we know', b.facts.map((f) => `- ${redact(f.text)}`).join('\n')),
    ...field('Timeline (oldest first)', history.lines.join('\n')),
    ...field(b.fix?.decision === 'dismissed' ? 'Fix tried and dismissed' : 'Current fix', b.fix ? `${redact(b.fix.title)}\n${trimText(redact(b.fix.body), 600)}` : null),
    ...field('Root cause noted', redact(s.root_cause ?? '')),
  ];
}

export const briefingPayload = (b: BriefingInput, redact: Redact): ModelPayload => ({ system: SYSTEM, fields: briefingFields(b, redact), tool: briefingTool });

/** Offline: the escalation template's own content as a briefing (facts, checks and their results, the suspected cause, where the flow stopped). */
export function templateBriefing(b: BriefingInput, redact: Redact): Briefing {
  const s = b.session;
  const ruledOut = s.pending_task_lane
    .filter((i) => i.kind === 'step' && i.optionLabel)
    .map((i) => redact(`${i.nodeTitle ?? i.nodeId} → ${i.optionLabel}`));
  if (b.fix?.decision === 'dismissed') ruledOut.push(redact(`Fix tried without success: ${b.fix.title}`));
  const liveFix = b.fix && b.fix.decision !== 'dismissed' ? b.fix : undefined;
  const node = s.flow_graph && s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) : undefined;
  const next = [
    ...(node?.kind === 'escalate' && node.body ? [redact(node.body)] : []),
    ...(node && node.kind !== 'escalate' && node.kind !== 'solution' ? [redact(`Continue the flow at: ${node.title}`)] : []),
  ];
  return {
    known: b.facts.map((f) => redact(f.text)),
    ruledOut,
    hypothesis: redact(s.root_cause?.trim() || (liveFix ? `Working hypothesis: ${liveFix.title}` : 'Unknown.')),
    next: next.length ? next : ['Review the timeline and continue from the last check.'],
  };
}

export type BriefingParams = SessionJobParams;

export async function loadBriefingInput(tx: Tx, sessionId: string): Promise<BriefingInput> {
  const session = await getSession(tx, sessionId);
  const [facts, fix] = await Promise.all([activeFacts(tx, sessionId), activeFix(tx, sessionId)]);
  return { session, facts, fix };
}

/**
 * Writes the briefing. A model briefing is stored and becomes part of the escalation package
 * (preview and post); it bumps state_version, so a cached preview (ETag) is refreshed. Offline, the
 * package's template already carries the same content, so nothing is stored.
 */
export async function writeBriefing(p: BriefingParams): Promise<BriefingResult> {
  const started = performance.now();
  const llm = p.deps.ai?.llm;
  const { input, prefs } = await p.tenant(async (tx) => {
    const input = await loadBriefingInput(tx, p.sessionId);
    const prefs = await readPreferences(tx);
    if (llm) await assertPreviewed(tx, prefs, p.sessionId, 'briefing');
    return { input, prefs };
  });
  const redact = redactorFor(prefs);
  let answer: ToolAnswer<Briefing> | null = null;
  if (llm) answer = await askModel(llm, { model: prefs.ai.deepModel, payload: briefingPayload(input, redact), schema: briefingSchema, maxTokens: 1500, timeoutMs: p.timeoutMs ?? 45_000, signal: p.signal });
  const modelBriefing = answer?.value
    ? { known: answer.value.known.map(redact), ruledOut: answer.value.ruledOut.map(redact), hypothesis: redact(answer.value.hypothesis), next: answer.value.next.map(redact) }
    : null;
  const stateVersion = await p.tenant(async (tx) => {
    await recordQuietly(tx, p.deps.log, usageOf({ ...p.who, sessionId: p.sessionId }, 'briefing', llm ? 'deep' : 'offline', answer, performance.now() - started));
    if (!modelBriefing || !answer) return input.session.state_version;
    const row = await lockForWrite(tx, p.sessionId, { allowClosed: true });
    await tx`
      insert into session_escalation_briefings (account_id, session_id, state_version, tier, model, briefing, created_by)
      values (${p.who.accountId}, ${p.sessionId}, ${row.state_version}, 'deep', ${answer.model}, ${tx.json(modelBriefing as never)}, ${p.who.userId})
      on conflict (session_id) do update set state_version = excluded.state_version, tier = excluded.tier, model = excluded.model,
        briefing = excluded.briefing, created_by = excluded.created_by, created_at = now()`;
    return row.state_version;
  });
  return {
    briefing: modelBriefing ?? templateBriefing(input, redact),
    tier: modelBriefing ? 'deep' : 'offline',
    model: modelBriefing ? answer!.model : null,
    fallbackReason: answer?.failure ?? null,
    stateVersion,
    inPackage: !!modelBriefing,
  };
}

export interface StoredBriefing extends Briefing {
  model: string;
  stateVersion: number;
  /** The session changed after it was written: no longer part of the package until written again. */
  stale: boolean;
}

/** The session's model briefing, if one was written (stale when the session changed since). */
export async function storedBriefing(tx: Tx, sessionId: string, currentVersion: number): Promise<StoredBriefing | null> {
  const [row] = await tx<[{ state_version: number; model: string; briefing: Briefing }?]>`
    select state_version, model, briefing from session_escalation_briefings where session_id = ${sessionId}`;
  return row ? { ...row.briefing, model: row.model, stateVersion: row.state_version, stale: row.state_version !== currentVersion } : null;
}

/** The briefing as a section appended to the escalation package, in the package's format. */
export function briefingSection(b: StoredBriefing, format: NoteFormat): string {
  const parts: [string, string[]][] = [
    ['Known', b.known],
    ['Ruled out', b.ruledOut],
    ['Best hypothesis', [b.hypothesis]],
    ['Try next', b.next],
  ];
  const heading = `Briefing for the next tier (written by ${b.model})`;
  if (format === 'markdown') {
    return [`## ${escapeMarkdown(heading)}`, ...parts.filter(([, l]) => l.length).map(([h, l]) => `**${h}**\n\n${l.map((x) => `- ${escapeMarkdown(x)}`).join('\n')}`)].join('\n\n') + '\n';
  }
  if (format === 'html') {
    return `<h2>${escapeHtml(heading)}</h2>\n${parts
      .filter(([, l]) => l.length)
      .map(([h, l]) => `<h3>${h}</h3>\n<ul>${l.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>`)
      .join('\n')}\n`;
  }
  return `${heading.toUpperCase()}\n${parts
    .filter(([, l]) => l.length)
    .map(([h, l]) => `${h}:\n${l.map((x) => `• ${x}`).join('\n')}`)
    .join('\n')}\n`;
}

/** The escalation package text with the current (not stale) model briefing appended, and the briefing itself. */
export async function withBriefing(tx: Tx, sessionId: string, text: string, stateVersion: number, format: NoteFormat) {
  const briefing = await storedBriefing(tx, sessionId, stateVersion);
  return { text: briefing && !briefing.stale ? `${text.replace(/\s*$/, '')}\n\n${briefingSection(briefing, format)}` : text, briefing };
}
