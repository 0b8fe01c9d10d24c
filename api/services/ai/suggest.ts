// The copilot's suggestion pipeline: gather (one short tenant transaction), route, ask the model (no transaction held), validate/repair, fall back, record usage.
import type { TenantRunner, Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import { bandOf, type Suggestion, type Tier } from '../copilot/types.js';
import { activeFacts, activeFix, getSession, ticketOf } from '../sessions/index.js';
import { readPreferences } from '../settings.js';
import { tsQuery } from '../../lib/tsquery.js';
import { offlineSuggester, type OfflineSuggester } from './offline-bridge.js';
import { assertPreviewed } from './outbound.js';
import { redactDeep, redactorFor } from './privacy.js';
import { buildSuggestionPrompt, type SessionSnapshot } from './prompt.js';
import { countContradictions, routeSuggestion, symptomAreas, type RouteDecision, type Situation } from './router.js';
import { repairInstruction, SUGGESTION_TOOL, validateModelSuggestion, type ModelSuggestion } from './structured.js';
import { LlmError, type LlmMessage, type LlmProvider, type LlmResponse, type LlmUsage } from './types.js';
import { addUsage, chatProvider, recordUsage, zeroUsage } from './usage.js';

export type SuggestEvent =
  | { type: 'routing'; tier: Tier; complexity: number; reasons: string[] }
  | { type: 'delta'; kind: 'text' | 'tool_input'; text: string }
  | { type: 'repair'; issues: string[] }
  | { type: 'fallback'; reason: string };

export interface SuggestResult extends Suggestion {
  routing: { tier: Tier; complexity: number; reasons: string[]; fallbackReason: string | null; omittedHistory: number; droppedFields: string[] };
  usage: { inputTokens: number; outputTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number; latencyMs: number };
}

export interface SuggestParams {
  llm?: LlmProvider;
  log: Logger;
  accountId: string;
  userId: string;
  sessionId: string;
  /** Runs work in the request's tenant transaction (withTenant in route code). */
  tenant: TenantRunner;
  requestedTier?: Tier;
  question?: string;
  signal?: AbortSignal;
  onEvent?: (e: SuggestEvent) => void;
  offline?: OfflineSuggester;
  timeouts?: { fast: number; deep: number };
}

/** Per attempt; the whole suggestion (retries and one repair included) gets DEADLINE_FACTOR × this. */
const DEFAULT_TIMEOUTS = { fast: 20_000, deep: 45_000 };
const DEADLINE_FACTOR = 2;

function situationOf(snap: SessionSnapshot, coverage: number, modelAvailable: boolean, requestedTier: Tier | undefined, question: string | undefined): Situation {
  const lane = snap.lane;
  let lastStep = -1;
  lane.forEach((item, i) => {
    if (item.kind === 'step') lastStep = i;
  });
  const eventsSinceLastStep = lane.slice(lastStep + 1).filter((i) => i.kind === 'note' || i.kind === 'observation' || i.kind === 'command').length;
  const node = snap.flow?.currentNodeId ? snap.flow.graph.nodes.find((n) => n.id === snap.flow!.currentNodeId) : undefined;
  const ticketText = [snap.ticket.summary, snap.ticket.description].filter(Boolean).join(' ');
  return {
    modelAvailable,
    requestedTier,
    hasFlow: !!snap.flow,
    currentNode: node ? { kind: node.kind, options: node.options.length } : null,
    flowEnded: !!snap.flow && !node,
    eventsSinceLastStep: snap.flow ? eventsSinceLastStep : lane.filter((i) => i.kind !== 'status').length,
    steps: lane.filter((i) => i.kind === 'step').length,
    bestFlowMatch: coverage,
    facts: snap.facts.length,
    contradictions: countContradictions(snap.facts.map((f) => f.text)),
    escalation:
      snap.status === 'escalated' ||
      node?.kind === 'escalate' ||
      /\b(critical|emergency|p1|sev(erity)?\s?1)\b/i.test(snap.ticket.priority ?? '') ||
      /\bescalat/i.test(question ?? ''),
    ticketWords: ticketText.split(/\s+/).filter(Boolean).length,
    symptomAreas: symptomAreas(ticketText),
    offlineConfidence: snap.offline.confidence,
  };
}

/** Turns a validated model answer into the Suggestion every tier returns. */
function toSuggestion(m: ModelSuggestion, snap: SessionSnapshot, tier: Tier, model: string): Suggestion {
  const node = m.nextStep?.nodeId && snap.flow ? snap.flow.graph.nodes.find((n) => n.id === m.nextStep!.nodeId) : undefined;
  const known = new Set(snap.facts.map((f) => f.text.trim().toLowerCase()));
  const facts = m.facts.filter((f) => !known.has(f.text.trim().toLowerCase())).map((f) => ({ text: f.text, sourceRef: f.sourceRef, why: f.why ?? undefined }));
  return {
    nextStep: m.nextStep
      ? {
          title: m.nextStep.title,
          why: m.nextStep.why ?? undefined,
          ...(node ? { nodeId: node.id, options: node.options.map((o) => ({ id: o.id, label: o.label })) } : {}),
        }
      : null,
    flows: snap.offline.flows,
    facts,
    fix: m.fix ? { title: m.fix.title, body: m.fix.body, confidence: m.fix.confidence ?? m.confidence } : null,
    confidence: m.confidence,
    band: bandOf(m.confidence),
    rationale: m.rationale,
    tier,
    model,
  };
}

/**
 * How well the best flow covers the ticket summary: the share of the summary's words (stemmed) that
 * some live flow's searchable text contains. Interpretable (1 = every word), unlike a raw ts_rank.
 */
export async function bestFlowCoverage(tx: Tx, summary: string): Promise<number> {
  const tsq = tsQuery(summary, 'any');
  if (!tsq) return 0;
  const [row] = await tx<[{ coverage: number | null }?]>`
    with q as (select tsvector_to_array(to_tsvector('english', ${summary})) as lx)
    select max(cardinality(array(select unnest(tsvector_to_array(f.search)) intersect select unnest(q.lx)))::float8
               / greatest(cardinality(q.lx), 1)) as coverage
    from flows f, q
    where f.deleted_at is null and f.search @@ to_tsquery('english', ${tsq})`;
  return Number(row?.coverage ?? 0);
}

async function gather(tx: Tx, sessionId: string, offline: OfflineSuggester, question?: string) {
  const s = await getSession(tx, sessionId);
  const [facts, fix, prefs, flowRow, coverage] = await Promise.all([
    activeFacts(tx, sessionId),
    activeFix(tx, sessionId),
    readPreferences(tx),
    s.flow_id ? tx<[{ title: string }?]>`select title from flows where id = ${s.flow_id}` : Promise.resolve([] as { title: string }[]),
    s.flow_graph ? Promise.resolve(0) : bestFlowCoverage(tx, s.ticket_summary ?? ''),
  ]);
  const redact = redactorFor(prefs);
  // The engine's offline copilot redacts with the same account rules itself.
  const offlineSuggestion = await offline(tx, sessionId);
  const snap: SessionSnapshot = {
    ticket: ticketOf(s),
    status: s.status,
    flow: s.flow_graph ? { title: flowRow[0]?.title ?? null, graph: s.flow_graph, currentNodeId: s.current_node_id } : null,
    lane: s.pending_task_lane,
    facts: facts.map((f) => ({ id: f.id, text: f.text, sourceRef: f.source_ref })),
    fix: fix ? { title: fix.title, body: fix.body } : null,
    offline: offlineSuggestion,
    question: question ?? null,
  };
  return { snap, prefs, redact, coverage };
}

/** What a suggestion would send now (the outbound preview): the routed tier, its model, and the exact request; null when it stays offline. */
export async function previewSuggestion(p: Pick<SuggestParams, 'llm' | 'sessionId' | 'tenant' | 'requestedTier' | 'question' | 'offline'>) {
  const { snap, prefs, redact, coverage } = await p.tenant((tx) => gather(tx, p.sessionId, p.offline ?? offlineSuggester, p.question));
  const decision = routeSuggestion(situationOf(snap, coverage, true, p.requestedTier, p.question));
  if (decision.tier === 'offline') return { decision, model: null, request: null };
  return { decision, model: decision.tier === 'deep' ? prefs.ai.deepModel : prefs.ai.fastModel, request: buildSuggestionPrompt(snap, decision.tier, redact).request };
}

export async function suggest(p: SuggestParams): Promise<SuggestResult> {
  const started = performance.now();
  const offline = p.offline ?? offlineSuggester;
  const { snap, prefs, redact, coverage } = await p.tenant((tx) => gather(tx, p.sessionId, offline, p.question));
  const decision: RouteDecision = routeSuggestion(situationOf(snap, coverage, !!p.llm, p.requestedTier, p.question));
  // With privacy.requirePreview, nothing goes to the model before an engineer has seen what would.
  if (decision.tier !== 'offline' && p.llm && prefs.privacy.requirePreview) await p.tenant((tx) => assertPreviewed(tx, prefs, p.sessionId, 'suggest'));
  p.onEvent?.({ type: 'routing', tier: decision.tier, complexity: decision.complexity, reasons: decision.reasons });

  let usage: LlmUsage = zeroUsage();
  let attempts = 0;
  let model: string | null = null;
  let outcome: 'ok' | 'repaired' | 'fallback' | 'aborted' = 'ok';
  let fallbackReason: string | null = null;
  let suggestion: Suggestion = snap.offline;
  let omittedHistory = 0;
  let droppedFields: string[] = [];

  if (decision.tier !== 'offline' && p.llm) {
    const tier = decision.tier;
    model = tier === 'deep' ? prefs.ai.deepModel : prefs.ai.fastModel;
    const built = buildSuggestionPrompt(snap, tier, redact);
    omittedHistory = built.omittedHistory;
    const ctx = built.rules;
    // One overall deadline, so retries and the repair round can never keep the engineer waiting for minutes.
    const perAttempt = (p.timeouts ?? DEFAULT_TIMEOUTS)[tier];
    const deadline = AbortSignal.timeout(perAttempt * DEADLINE_FACTOR);
    const signal = p.signal ? AbortSignal.any([p.signal, deadline]) : deadline;
    const call = (messages: LlmMessage[]) =>
      p.llm!.complete(
        { ...built.request, model: model!, messages },
        {
          signal,
          timeoutMs: perAttempt,
          onEvent: p.onEvent ? (e) => p.onEvent!({ type: 'delta', kind: e.type, text: e.type === 'text' ? e.text : e.partialJson }) : undefined,
        },
      );
    const account = (r: LlmResponse) => {
      usage = addUsage(usage, r.usage);
      attempts += r.attempts;
      model = r.model || model;
    };
    try {
      let messages = built.request.messages;
      let res = await call(messages);
      account(res);
      let toolCall = res.toolCalls.find((t) => t.name === SUGGESTION_TOOL);
      let checked = validateModelSuggestion(toolCall?.input, ctx);
      if (!checked.ok) {
        // One repair: show the model its own answer and what was wrong with it.
        p.onEvent?.({ type: 'repair', issues: checked.issues });
        p.log.info('copilot repair', { session: p.sessionId, issues: checked.issues.slice(0, 3) });
        const toolUseId = toolCall?.id ?? 'toolu_missing';
        messages = [
          ...messages,
          {
            role: 'assistant',
            content: toolCall
              ? [{ type: 'tool_use', id: toolUseId, name: SUGGESTION_TOOL, input: toolCall.input }]
              : [{ type: 'text', text: res.text || '(no tool call)' }],
          },
          {
            role: 'user',
            content: toolCall
              ? [{ type: 'tool_result', toolUseId, content: repairInstruction(checked.issues), isError: true }]
              : [{ type: 'text', text: repairInstruction(checked.issues) }],
          },
        ];
        res = await call(messages);
        account(res);
        toolCall = res.toolCalls.find((t) => t.name === SUGGESTION_TOOL);
        checked = validateModelSuggestion(toolCall?.input, ctx);
        if (checked.ok) outcome = 'repaired';
      }
      if (checked.ok) {
        // Redacted again: ticket text could have talked the model into repeating what the rules hide.
        suggestion = toSuggestion(redactDeep(checked.value, redact), snap, tier, model ?? res.model);
        // Fields that broke a rule were dropped one by one; the rest of the answer is used.
        droppedFields = checked.dropped;
        if (droppedFields.length) p.log.info('copilot dropped fields', { session: p.sessionId, dropped: droppedFields.slice(0, 3) });
      } else {
        outcome = 'fallback';
        fallbackReason = `invalid_output: ${checked.issues.slice(0, 3).join('; ')}`;
      }
    } catch (err) {
      let e = err instanceof LlmError ? err : new LlmError('network', err instanceof Error ? err.message : String(err));
      if (e.kind === 'aborted' && !p.signal?.aborted) e = new LlmError('timeout', 'The model did not answer within the deadline.', undefined, e.attempts);
      attempts += e.attempts;
      outcome = e.kind === 'aborted' ? 'aborted' : 'fallback';
      fallbackReason = `${e.kind}: ${e.message}`.slice(0, 300);
      p.log.warn('copilot fell back to offline', { session: p.sessionId, kind: e.kind, status: e.status, attempts: e.attempts });
    }
    if (outcome === 'fallback' || outcome === 'aborted') {
      suggestion = snap.offline;
      p.onEvent?.({ type: 'fallback', reason: fallbackReason ?? 'unknown' });
    }
  }

  const latencyMs = performance.now() - started;
  const servedTier: Tier = suggestion.tier;
  await p
    .tenant((tx) =>
      recordUsage(tx, {
        accountId: p.accountId,
        userId: p.userId,
        sessionId: p.sessionId,
        feature: 'suggest',
        tier: servedTier,
        routedTier: decision.tier,
        ...chatProvider(decision.tier, model),
        outcome,
        fallbackReason,
        usage,
        attempts,
        latencyMs,
      }),
    )
    .catch((err: unknown) => p.log.error('usage not recorded', { error: err instanceof Error ? err.message : String(err) }));

  return {
    ...suggestion,
    routing: { tier: decision.tier, complexity: decision.complexity, reasons: decision.reasons, fallbackReason, omittedHistory, droppedFields },
    usage: { ...usage, latencyMs: Math.round(latencyMs) },
  };
}
