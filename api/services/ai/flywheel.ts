// The knowledge flywheel: resolved sessions that had no flow (or left theirs) are clustered and turned into flow proposals.
import type { TenantRunner, Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import type { FlowGraph, FlowNode } from '../flow-graph.js';
import type { LaneItem } from '../sessions/lane.js';
import { draftProblems, FLOW_TOOL, flowTool, type FlowDraft } from './flow-builder.js';
import { DATA_RULE, fenceData } from './fence.js';
import { readPreferences } from '../settings.js';
import { redactorFor, type Redact } from './privacy.js';
import { LlmError, type LlmProvider, type LlmUsage } from './types.js';
import { recordUsage, zeroUsage } from './usage.js';

export interface CandidateSession {
  id: string;
  ticket_external_id: string;
  ticket_summary: string | null;
  root_cause: string | null;
  flow_id: string | null;
  current_node_id: string | null;
  flow_graph: FlowGraph | null;
  pending_task_lane: LaneItem[];
}

const STOP = new Set(
  'a an the and or but to of in on at for from with by is are was were be been it its this that these those not no after before when while again still keeps keep user users ticket issue problem please can cannot could would will'.split(' '),
);

/** Crude but stable word normalisation: enough to see that "printers" and "printer" are one thing. */
export function terms(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z0-9][a-z0-9.-]*/g) ?? []) {
    if (STOP.has(w) || w.length < 3) continue;
    out.add(w.replace(/(ing|ed|es|s)$/, '') || w);
  }
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** A session "left its flow" when it was resolved mid-flow or the engineer kept writing notes after the last step. */
export function leftItsFlow(s: CandidateSession): boolean {
  if (!s.flow_id || !s.flow_graph) return false;
  const node = s.current_node_id ? s.flow_graph.nodes.find((n) => n.id === s.current_node_id) : undefined;
  if (node && node.kind !== 'solution' && node.kind !== 'escalate') return true;
  let last = -1;
  s.pending_task_lane.forEach((i, idx) => {
    if (i.kind === 'step') last = idx;
  });
  return s.pending_task_lane.slice(last + 1).filter((i) => i.kind === 'note' || i.kind === 'observation' || i.kind === 'command').length >= 2;
}

/** Single-link clusters of sessions whose summary and root cause share enough words. */
export function clusterSessions(sessions: CandidateSession[], threshold = 0.3): CandidateSession[][] {
  const t = sessions.map((s) => terms(`${s.ticket_summary ?? ''} ${s.root_cause ?? ''}`));
  const parent = sessions.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < sessions.length; i++) {
    for (let j = i + 1; j < sessions.length; j++) if (jaccard(t[i]!, t[j]!) >= threshold) parent[find(i)] = find(j);
  }
  const groups = new Map<number, CandidateSession[]>();
  sessions.forEach((s, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), s]));
  return [...groups.values()];
}

interface StepGroup {
  text: string;
  command?: string;
  sessions: Set<string>;
  positions: number[];
  terms: Set<string>;
}

const stepText = (i: LaneItem): { text: string; command?: string } | null => {
  if (i.kind === 'command' && i.text) return { text: `Run ${i.text.split('\n')[0]!.slice(0, 80)}`, command: i.text };
  if ((i.kind === 'note' || i.kind === 'observation') && i.text) return { text: i.text.slice(0, 200) };
  if (i.kind === 'step' && i.nodeTitle) return { text: i.nodeTitle, command: i.command };
  return null;
};

/** Steps most sessions of the cluster took, in their usual order. */
export function commonSteps(cluster: CandidateSession[], minShare = 0.5): StepGroup[] {
  const groups: StepGroup[] = [];
  for (const s of cluster) {
    const items = s.pending_task_lane.map(stepText).filter((x): x is NonNullable<typeof x> => x !== null);
    items.forEach((item, idx) => {
      const tt = terms(item.text);
      const pos = items.length > 1 ? idx / (items.length - 1) : 0;
      const g = groups.find((x) => !x.sessions.has(s.id) && (x.command && item.command ? x.command.trim() === item.command.trim() : jaccard(x.terms, tt) >= 0.5));
      if (g) {
        g.sessions.add(s.id);
        g.positions.push(pos);
      } else groups.push({ text: item.text, command: item.command, sessions: new Set([s.id]), positions: [pos], terms: tt });
    });
  }
  const need = Math.max(2, Math.ceil(cluster.length * minShare));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return groups.filter((g) => g.sessions.size >= need).sort((a, b) => avg(a.positions) - avg(b.positions));
}

/** The most representative text among several (the one sharing most words with the rest). */
function representative(texts: string[]): string {
  const t = texts.map(terms);
  let best = 0;
  let bestScore = -1;
  texts.forEach((_, i) => {
    const score = t.reduce((n, other, j) => (i === j ? n : n + jaccard(t[i]!, other)), 0);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return texts[best] ?? '';
}

const nodeId = (i: number) => `step_${i + 1}`;

/** Offline proposal: the common steps as checks that either fix it or lead on, ending in the usual root cause or an escalation. */
export function offlineProposal(cluster: CandidateSession[]): FlowDraft & { rationale: string } {
  const steps = commonSteps(cluster).slice(0, 12);
  const summaries = cluster.map((s) => s.ticket_summary ?? '').filter(Boolean);
  const causes = cluster.map((s) => s.root_cause ?? '').filter(Boolean);
  const title = representative(summaries) || 'Recurring problem';
  const cause = representative(causes);
  const nodes: FlowNode[] = steps.map((g, i) => ({
    id: nodeId(i),
    kind: g.command ? 'action' : 'check',
    title: g.text.slice(0, 300),
    ...(g.command ? { command: g.command.slice(0, 2000) } : {}),
    body: `Done in ${g.sessions.size} of ${cluster.length} similar tickets.`,
    options: [
      { id: 'fixed', label: 'That fixed it', next: 'fix' },
      { id: 'next', label: i < steps.length - 1 ? 'Not yet, continue' : 'Still failing', next: i < steps.length - 1 ? nodeId(i + 1) : 'escalate' },
    ],
  }));
  nodes.push({ id: 'fix', kind: 'solution', title: cause ? `Usual cause: ${cause.slice(0, 250)}` : 'Apply the fix and confirm with the user', options: [] });
  nodes.push({ id: 'escalate', kind: 'escalate', title: 'Escalate with what was checked', body: 'None of the usual steps fixed it.', options: [] });
  const start = nodes.length > 2 ? nodeId(0) : 'fix';
  if (start === 'fix') nodes.splice(nodes.length - 1, 1); // no steps: a one-node flow pointing at the usual fix
  const tickets = cluster.map((s) => `#${s.ticket_external_id}`).join(', ');
  return {
    kind: 'troubleshooting',
    title: title.slice(0, 200),
    description: `Proposed from ${cluster.length} resolved tickets (${tickets}) that had no flow or left theirs.`,
    tags: [...new Set([...terms(summaries.join(' '))].slice(0, 6))],
    graph: { start, nodes },
    rationale: `${cluster.length} similar resolved tickets; ${steps.length} step(s) most of them took${cause ? `; usual cause: ${cause.slice(0, 120)}` : ''}.`,
  };
}

export interface AnalyseParams {
  llm?: LlmProvider;
  model: string;
  log: Logger;
  redact: Redact;
  accountId: string;
  minClusterSize?: number;
  signal?: AbortSignal;
}

export async function candidateSessions(tx: Tx): Promise<CandidateSession[]> {
  const rows = await tx<CandidateSession[]>`
    select s.id, s.ticket_external_id, s.ticket_summary, s.root_cause, s.flow_id, s.current_node_id, s.flow_graph, s.pending_task_lane
    from ai_sessions s
    where s.status = 'resolved'
      and not exists (select 1 from flow_proposals p where s.id = any(p.source_session_ids))
    order by s.ended_at desc nulls last, s.updated_at desc
    limit 500`;
  return rows.filter((s) => !s.flow_id || leftItsFlow(s));
}

function redactCandidate(s: CandidateSession, redact: Redact): CandidateSession {
  const r = (t: string | null | undefined) => (t ? redact(t) : t);
  return {
    ...s,
    ticket_summary: r(s.ticket_summary) ?? null,
    root_cause: r(s.root_cause) ?? null,
    pending_task_lane: s.pending_task_lane.map((i) => ({ ...i, text: r(i.text) ?? undefined, command: r(i.command) ?? undefined, nodeTitle: r(i.nodeTitle) ?? undefined }) as LaneItem),
  };
}

export interface ProposalDraft extends FlowDraft {
  rationale: string;
  origin: 'offline' | 'model';
  model: string | null;
  sourceSessionIds: string[];
}

/**
 * Finds clusters and drafts one proposal each. Reads happen in the caller's transaction; the model
 * (if any) is asked per cluster, and its draft is used only if it passes flow validation.
 */
export async function draftProposals(
  clusters: CandidateSession[][],
  p: AnalyseParams,
): Promise<{ drafts: ProposalDraft[]; usage: LlmUsage; attempts: number; model: string | null }> {
  const drafts: ProposalDraft[] = [];
  let usage = zeroUsage();
  let attempts = 0;
  let usedModel: string | null = null;
  for (const raw of clusters) {
    // Redacted before anything is cut to a title (the offline proposal slices note text) or sent to the model.
    const cluster = raw.map((s) => redactCandidate(s, p.redact));
    const offline = offlineProposal(cluster);
    let draft: ProposalDraft = { ...offline, origin: 'offline', model: null, sourceSessionIds: cluster.map((s) => s.id) };
    if (p.llm) {
      const evidence = cluster
        .map((s) => [`Ticket #${s.ticket_external_id}: ${s.ticket_summary ?? ''}`, `Root cause: ${s.root_cause ?? 'unknown'}`, ...s.pending_task_lane.map((i) => `- ${i.kind}: ${i.text ?? i.nodeTitle ?? ''}`)].join('\n'))
        .join('\n\n');
      try {
        const res = await p.llm.complete(
          {
            model: p.model,
            system: [{ text: `You turn what MSP engineers did on similar resolved tickets into a reusable troubleshooting flow. Use the steps that worked, in a sensible order, with the usual root cause as a solution and an escalation path. Answer only by calling ${FLOW_TOOL}.\n${DATA_RULE}`, cache: true }],
            tools: [flowTool],
            toolChoice: { type: 'tool', name: FLOW_TOOL },
            maxTokens: 4096,
            messages: [{ role: 'user', content: [{ type: 'text', text: `What engineers did on similar resolved tickets:\n${fenceData(p.redact(evidence).slice(0, 24_000))}` }] }],
          },
          { signal: p.signal, timeoutMs: 60_000 },
        );
        usage = { inputTokens: usage.inputTokens + res.usage.inputTokens, outputTokens: usage.outputTokens + res.usage.outputTokens, cacheCreationInputTokens: usage.cacheCreationInputTokens + res.usage.cacheCreationInputTokens, cacheReadInputTokens: usage.cacheReadInputTokens + res.usage.cacheReadInputTokens };
        attempts += res.attempts;
        usedModel = res.model;
        const checked = draftProblems(res.toolCalls.find((t) => t.name === FLOW_TOOL)?.input);
        if (checked.draft) draft = { ...checked.draft, rationale: offline.rationale, origin: 'model', model: res.model, sourceSessionIds: draft.sourceSessionIds };
        else p.log.info('flywheel: model draft invalid, offline proposal kept', { problems: checked.problems.slice(0, 3) });
      } catch (err) {
        const e = err instanceof LlmError ? err : new LlmError('network', String(err));
        attempts += e.attempts;
        p.log.warn('flywheel: model failed, offline proposal kept', { kind: e.kind });
      }
    }
    drafts.push(draft);
  }
  return { drafts, usage, attempts, model: usedModel };
}

export interface ProposalRow {
  id: string;
  title: string;
  description: string;
  kind: string;
  tags: string[];
  graph: FlowGraph;
  rationale: string;
  source_session_ids: string[];
  origin: 'offline' | 'model';
  model: string | null;
  status: 'pending' | 'approved' | 'dismissed';
  flow_id: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  dismiss_reason: string | null;
  created_at: Date;
}

export const proposalView = (r: ProposalRow) => ({
  id: r.id,
  title: r.title,
  description: r.description,
  kind: r.kind,
  tags: r.tags,
  graph: r.graph,
  rationale: r.rationale,
  sourceSessionIds: r.source_session_ids,
  origin: r.origin,
  model: r.model,
  status: r.status,
  flowId: r.flow_id,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
  dismissReason: r.dismiss_reason,
  createdAt: r.created_at.toISOString(),
});

export interface ProposalSourceRow {
  id: string;
  ticket_external_id: string;
  ticket_summary: string | null;
  ticket_company: string | null;
  user_name: string | null;
  ended_at: Date | null;
}

/** The sessions proposals came from, for "why was this proposed" (a source session may since have been deleted). */
export async function proposalSources(tx: Tx, proposals: ProposalRow[]) {
  const ids = [...new Set(proposals.flatMap((p) => p.source_session_ids))];
  const rows = ids.length
    ? await tx<ProposalSourceRow[]>`
        select s.id, s.ticket_external_id, s.ticket_summary, s.ticket_company, u.name as user_name, s.ended_at
        from ai_sessions s left join users u on u.id = s.user_id where s.id = any(${ids}::uuid[])`
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return (p: ProposalRow) =>
    p.source_session_ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ sessionId: r.id, ticketExternalId: r.ticket_external_id, summary: r.ticket_summary, company: r.ticket_company, engineer: r.user_name, resolvedAt: r.ended_at?.toISOString() ?? null }] : [];
    });
}

export async function insertProposal(tx: Tx, accountId: string, d: ProposalDraft): Promise<ProposalRow> {
  const [row] = await tx<[ProposalRow]>`
    insert into flow_proposals (account_id, title, description, kind, tags, graph, rationale, source_session_ids, origin, model)
    values (${accountId}, ${d.title}, ${d.description}, ${d.kind}, ${d.tags}, ${tx.json(d.graph as never)}, ${d.rationale},
            ${d.sourceSessionIds}::uuid[], ${d.origin}, ${d.model})
    returning *`;
  return row;
}

export interface AnalyseAccountParams {
  llm?: LlmProvider;
  log: Logger;
  accountId: string;
  /** Who asked (null for the background pass). */
  userId: string | null;
  minClusterSize: number;
  tenant: TenantRunner;
  signal?: AbortSignal;
}

/**
 * One analysis of an account: candidates and clusters in a tenant transaction, drafts with no
 * transaction open (the model may be slow), then the inserts under a per-account advisory lock so
 * two concurrent analyses never propose the same sessions twice.
 */
export async function analyseAccount(p: AnalyseAccountParams): Promise<{ proposals: ProposalRow[]; clustersFound: number }> {
  const started = performance.now();
  const { clusters, prefs } = await p.tenant(async (tx) => {
    const prefs = await readPreferences(tx);
    const clusters = clusterSessions(await candidateSessions(tx)).filter((cl) => cl.length >= p.minClusterSize);
    return { clusters, prefs };
  });
  if (!clusters.length) return { proposals: [], clustersFound: 0 };
  const { drafts, usage, attempts, model } = await draftProposals(clusters, {
    llm: p.llm,
    model: prefs.ai.deepModel,
    log: p.log,
    redact: redactorFor(prefs),
    accountId: p.accountId,
    signal: p.signal,
  });
  const proposals = await p.tenant(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('flywheel:' || ${p.accountId}))`;
    const rows: ProposalRow[] = [];
    for (const d of drafts) {
      const [taken] = await tx`select 1 from flow_proposals where source_session_ids && ${d.sourceSessionIds}::uuid[] limit 1`;
      if (!taken) rows.push(await insertProposal(tx, p.accountId, d));
    }
    if (p.llm) {
      await recordUsage(tx, {
        accountId: p.accountId,
        userId: p.userId,
        feature: 'flywheel',
        tier: 'deep',
        routedTier: 'deep',
        provider: 'anthropic',
        model: model ?? prefs.ai.deepModel,
        outcome: drafts.some((d) => d.origin === 'model') ? 'ok' : 'fallback',
        usage,
        attempts,
        latencyMs: performance.now() - started,
      });
    }
    return rows;
  });
  return { proposals, clustersFound: clusters.length };
}
