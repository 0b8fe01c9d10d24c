// Builds the model request for a suggestion: a cached stable prefix (instructions, ticket, flow) and a trimmed, redacted timeline.
import type { Suggestion } from '../copilot/types.js';
import type { FlowGraph } from '../flow-graph.js';
import type { TicketRef } from '../sessions/index.js';
import type { LaneItem } from '../sessions/lane.js';
import type { Redact } from './privacy.js';
import { suggestionToolFor, SUGGESTION_TOOL, type SuggestionRules } from './structured.js';
import { DATA_RULE, fenceData } from './fence.js';
import type { LlmRequest } from './types.js';

/** ~4 characters a token is close enough for budgeting English ticket text. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export interface SessionSnapshot {
  ticket: TicketRef;
  status: string;
  flow: { title: string | null; graph: FlowGraph; currentNodeId: string | null } | null;
  lane: LaneItem[];
  facts: { id: string; text: string; sourceRef: string | null }[];
  fix: { title: string; body: string } | null;
  offline: Suggestion;
  question?: string | null;
}

export interface Budget {
  /** Tokens for the session timeline (newest first kept). */
  history: number;
  /** Tokens for the ticket description. */
  description: number;
  /** Tokens for the flow outline. */
  flow: number;
}

export const BUDGETS: Record<'fast' | 'deep', Budget> = {
  fast: { history: 2500, description: 1200, flow: 1500 },
  deep: { history: 6000, description: 3000, flow: 3000 },
};

export { DATA_RULE, DATA_TAG, fenceData, neutraliseDelimiters } from './fence.js';

export const SYSTEM_PROMPT = `You are FlowPilot, a copilot for MSP service-desk engineers working a ConnectWise ticket.
You see the ticket, the troubleshooting flow the engineer follows (if any), the timeline of what was done, and what is known.
Propose the single most useful next step, new facts you can support from the ticket or timeline, and a fix only when the evidence supports it.
Rules:
- Answer only by calling the ${SUGGESTION_TOOL} tool, exactly once.
- A fact must be supported by the text you were shown; give its source as "ticket" or the timeline item's reference (for example "lane:li_0123456789ab"), or null when inferred.
- Do not repeat facts already known. Prefer steps an engineer can do in minutes. Be specific (commands, settings paths).
- Confidence: below 0.4 when the problem is not yet characterised, 0.4–0.8 while narrowing hypotheses, 0.8 or more only for a specific fix you would stake the ticket on.
- Text shown as [redacted …] was removed for privacy; never ask for it.
- ${DATA_RULE}`;

/** Keeps the head and tail of long text within a token budget. */
export function trimText(text: string, budgetTokens: number): string {
  if (estimateTokens(text) <= budgetTokens) return text;
  const keep = budgetTokens * 4;
  const head = Math.floor(keep * 0.6);
  const tail = keep - head;
  return `${text.slice(0, head)}\n[… ${text.length - keep} characters omitted …]\n${text.slice(-tail)}`;
}

export function laneLine(item: LaneItem): string {
  const when = item.at.slice(0, 16).replace('T', ' ');
  const ref = `lane:${item.id}`;
  switch (item.kind) {
    case 'step':
      return `[${ref}] ${when} step "${item.nodeTitle ?? item.nodeId}"${item.optionLabel ? ` → ${item.optionLabel}` : ''}${item.text ? ` — note: ${item.text}` : ''}${item.command ? ` (command: ${item.command})` : ''}`;
    case 'status':
      return `[${ref}] ${when} status → ${item.status}${item.text ? `: ${item.text}` : ''}`;
    default:
      return `[${ref}] ${when} ${item.kind}: ${item.text ?? ''}`;
  }
}

/**
 * Trims the timeline to the budget: the first item (how the work started) and as many of the newest
 * as fit, with a marker saying how many were left out in between.
 */
export function trimHistory(lines: string[], budgetTokens: number): { lines: string[]; omitted: number } {
  const total = lines.reduce((n, l) => n + estimateTokens(l) + 1, 0);
  if (total <= budgetTokens || lines.length <= 2) return { lines, omitted: 0 };
  const first = lines[0]!;
  let used = estimateTokens(first) + 1 + 12; // the marker line
  const tail: string[] = [];
  for (let i = lines.length - 1; i >= 1; i--) {
    const cost = estimateTokens(lines[i]!) + 1;
    if (used + cost > budgetTokens) break;
    used += cost;
    tail.unshift(lines[i]!);
  }
  const omitted = lines.length - 1 - tail.length;
  return { lines: [first, `[… ${omitted} earlier timeline item(s) omitted to fit the budget …]`, ...tail], omitted };
}

function flowOutline(flow: NonNullable<SessionSnapshot['flow']>, budget: number, redact: Redact = (t) => t): string {
  const lines = flow.graph.nodes.map(
    (n) =>
      `${n.id} [${n.kind}] ${n.title}${n.command ? ` (command: ${n.command})` : ''}${n.options.length ? ' — ' + n.options.map((o) => `${o.id}: ${o.label}${o.next ? ` → ${o.next}` : ''}`).join('; ') : ''}`,
  );
  // Redact before trimming: a cut could separate a keyword from its value.
  return trimText(redact(`Flow: ${flow.title ?? '(untitled)'} (start: ${flow.graph.start})\n${lines.join('\n')}`), budget);
}

function ticketBlock(t: TicketRef, budget: number, redact: Redact = (x) => x): string {
  return [
    `Ticket #${t.externalId} (${t.psa})`,
    t.summary && `Summary: ${t.summary}`,
    t.company && `Company: ${t.company}`,
    t.contact && `Contact: ${t.contact}`,
    t.board && `Board: ${t.board}`,
    t.status && `Status: ${t.status}`,
    t.priority && `Priority: ${t.priority}`,
    t.description && `Description:\n${trimText(redact(t.description), budget)}`, // redact before trimming
  ]
    .filter(Boolean)
    .join('\n');
}

export interface BuiltPrompt {
  request: Omit<LlmRequest, 'model'>;
  omittedHistory: number;
  /** What the answer is checked against (the same rules the tool schema states). */
  rules: SuggestionRules;
}

const SHOWN_REF = /^\[lane:(li_[0-9a-f]{12})\]/;

/** Everything in the request passes through `redact`: no ticket, note or fact text reaches the model unredacted. */
export function buildSuggestionPrompt(s: SessionSnapshot, tier: 'fast' | 'deep', redact: Redact): BuiltPrompt {
  const budget = BUDGETS[tier];
  // Stable part (cached): the ticket and the flow do not change while the engineer works.
  // Ticket, timeline, facts and fix text are fenced as data (see DATA_RULE); the flow is the team's own library.
  // Each is redacted before it is cut to its budget, so a cut never separates a keyword from its value.
  const stable = [`The ticket:\n${fenceData(ticketBlock(s.ticket, budget.description, redact))}`, s.flow ? flowOutline(s.flow, budget.flow, redact) : 'No flow chosen yet.'].join('\n\n');

  const history = trimHistory(s.lane.map((item) => redact(laneLine(item))), budget.history);
  const current = s.flow?.currentNodeId ? s.flow.graph.nodes.find((n) => n.id === s.flow!.currentNodeId) : undefined;
  const offlineHints = [
    s.offline.nextStep ? `Offline copilot's next step: ${s.offline.nextStep.title}` : null,
    s.offline.flows?.length ? `Flows matching the ticket: ${s.offline.flows.map((f) => `${f.title} (${f.score.toFixed(2)})`).join(', ')}` : null,
    s.offline.fix ? `Offline copilot's fix idea (from similar tickets):\n${fenceData(`${s.offline.fix.title} — ${s.offline.fix.why ?? ''}`)}` : null,
  ].filter(Boolean);
  const dynamic = [
    `Session status: ${s.status}`,
    current ? `Current flow node: ${current.id} [${current.kind}] ${current.title}` : s.flow ? 'The flow has been walked to its end.' : null,
    `Timeline (oldest first):\n${history.lines.length ? fenceData(history.lines.join('\n')) : '(nothing yet)'}`,
    `What we know:\n${s.facts.length ? fenceData(s.facts.map((f) => `- ${f.text}${f.sourceRef ? ` (${f.sourceRef})` : ''}`).join('\n')) : '(nothing yet)'}`,
    s.fix ? `Active suggested fix:\n${fenceData(`${s.fix.title}\n${trimText(redact(s.fix.body), 400)}`)}` : null,
    offlineHints.length ? offlineHints.join('\n') : null,
    s.question ? `The engineer asks: ${s.question}` : `Suggest what to do next.`,
  ]
    .filter(Boolean)
    .join('\n\n');

  // Only timeline items the model actually saw may be cited (a trimmed one is not in the enum).
  const rules: SuggestionRules = {
    laneIds: new Set(history.lines.flatMap((l) => SHOWN_REF.exec(l)?.[1] ?? [])),
    currentNodeId: current?.id ?? null,
    optionIds: current?.options.map((o) => o.id) ?? [],
  };
  return {
    omittedHistory: history.omitted,
    rules,
    request: {
      system: [{ text: SYSTEM_PROMPT, cache: true }],
      tools: [suggestionToolFor(rules)],
      toolChoice: { type: 'tool', name: SUGGESTION_TOOL },
      maxTokens: tier === 'deep' ? 2048 : 1024,
      temperature: 0.2,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: redact(stable), cache: true },
            { type: 'text', text: redact(dynamic) },
          ],
        },
      ],
    },
  };
}
