// The AI flow builder: a draft flow from a prompt — by the model (validated, repaired once) or offline from the library and skeletons.
import type { TenantRunner, Tx } from '../../db/database.js';
import type { Logger } from '../../lib/log.js';
import type { FlowGraph, FlowKind } from '../flow-graph.js';
import { flowGraphSchema, graphProblems } from '../flows/index.js';
import { DATA_RULE, fenceData } from './fence.js';
import { tsQuery } from '../../lib/tsquery.js';
import { issueLines } from '../../lib/zod-issues.js';
import type { Redact } from './privacy.js';
import { LlmError, type LlmMessage, type LlmProvider, type LlmStreamEvent, type LlmTool, type LlmUsage } from './types.js';
import { addUsage, zeroUsage } from './usage.js';

export interface FlowDraft {
  kind: FlowKind;
  title: string;
  description: string;
  tags: string[];
  graph: FlowGraph;
}

export interface GeneratedFlow {
  draft: FlowDraft;
  origin: 'model' | 'offline';
  model: string | null;
  /** The library flow an offline draft was adapted from. */
  basedOn: { id: string; title: string } | null;
  repaired: boolean;
  /** Why the model's attempt was not used (offline drafts after a failure). */
  fallbackReason: string | null;
  usage: LlmUsage;
  attempts: number;
}

/** What POST /v1/flows/generate answers (JSON, or the `result` event of its stream). */
export type GeneratedFlowView = Omit<GeneratedFlow, 'usage' | 'attempts'> & { tier: 'deep' | 'offline' };

export const FLOW_TOOL = 'propose_flow';

const nodeSchemaJson = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Short snake_case id, unique in the flow.' },
    kind: { type: 'string', enum: ['question', 'action', 'check', 'solution', 'escalate', 'info'] },
    title: { type: 'string' },
    body: { type: 'string', description: 'What to do or look at, specific (menus, settings, what good looks like).' },
    command: { type: 'string', description: 'A command the engineer may run here, if any.' },
    options: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, label: { type: 'string' }, next: { type: ['string', 'null'], description: 'Id of the node this answer leads to; omit on final answers.' } },
        required: ['id', 'label'],
      },
    },
  },
  required: ['id', 'kind', 'title', 'options'],
};

export const flowTool: LlmTool = {
  name: FLOW_TOOL,
  description: 'Return the draft flow. Call exactly once.',
  inputSchema: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['troubleshooting', 'procedural', 'maintenance'] },
      title: { type: 'string' },
      description: { type: 'string' },
      tags: { type: 'array', items: { type: 'string' } },
      graph: { type: 'object', properties: { start: { type: 'string' }, nodes: { type: 'array', items: nodeSchemaJson } }, required: ['start', 'nodes'] },
    },
    required: ['kind', 'title', 'graph'],
  },
  cache: true,
};

const FLOW_SYSTEM = `You write troubleshooting flows for MSP service-desk engineers (decision trees, procedural checklists, maintenance runbooks).
A flow is a graph: one start node; node kinds question, action, check, solution, escalate, info; each option leads to a next node or ends the flow.
Rules the flow must keep: unique node ids; every option's next is an existing node (never the node itself); every node reachable from the start; every node can reach an end (solution or escalate); a question has at least two answers; procedural and maintenance flows never go back to an earlier step.
Prefer the fastest discriminating checks first, concrete instructions, and a clear escalation path. 6–20 nodes. Answer only by calling ${FLOW_TOOL}.
${DATA_RULE}`;

/** Shape and walkability problems of a proposed draft, as sentences the model (or a person) can act on. */
export function draftProblems(input: unknown): { draft: FlowDraft | null; problems: string[] } {
  const d = (input ?? {}) as Partial<FlowDraft> & { graph?: unknown };
  const problems: string[] = [];
  const kind = d.kind;
  if (kind !== 'troubleshooting' && kind !== 'procedural' && kind !== 'maintenance') problems.push('kind must be troubleshooting, procedural or maintenance');
  if (typeof d.title !== 'string' || !d.title.trim()) problems.push('title is required');
  const parsed = flowGraphSchema.safeParse(d.graph);
  if (!parsed.success) {
    problems.push(...issueLines(parsed.error.issues, { max: 8, prefix: 'graph.' }));
    return { draft: null, problems };
  }
  const graph = parsed.data as FlowGraph;
  problems.push(...graphProblems(graph, kind as FlowKind | undefined).map((p) => p.message));
  if (problems.length) return { draft: null, problems };
  return {
    draft: {
      kind: kind as FlowKind,
      title: d.title!.trim().slice(0, 200),
      description: typeof d.description === 'string' ? d.description.slice(0, 5000) : '',
      tags: Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string').slice(0, 30).map((t) => t.slice(0, 60)) : [],
      graph,
    },
    problems: [],
  };
}

export function guessKind(prompt: string): FlowKind {
  if (/\b(monthly|weekly|quarterly|recurring|maintenance|patch(ing)?|runbook|health ?check|audit)\b/i.test(prompt)) return 'maintenance';
  if (/\b(onboard(ing)?|offboard(ing)?|set ?up|setup|install(ation)?|checklist|procedure|new (user|hire|starter)|deploy(ment)?|migrat(e|ion))\b/i.test(prompt)) return 'procedural';
  return 'troubleshooting';
}

const titleFrom = (prompt: string) => {
  const first = prompt.split(/[\n.!?]/)[0]!.trim().replace(/^(build|create|make|write|generate)( me)?( a| an)?( flow| runbook| checklist)?( for| to| about)?\s*/i, '');
  const t = (first || prompt).slice(0, 120).trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
};

/** A walkable skeleton when nothing in the library fits: characterise, basics, the usual suspects, fix or escalate. */
export function skeletonDraft(prompt: string, kind: FlowKind = guessKind(prompt)): FlowDraft {
  const title = titleFrom(prompt);
  if (kind !== 'troubleshooting') {
    const steps = kind === 'maintenance'
      ? ['Announce the maintenance window', 'Take and verify a backup or snapshot', 'Apply the changes to each target', 'Verify services and monitoring are green', 'Record what was done and any exceptions']
      : ['Collect the request details and approvals', 'Prepare accounts, licences and access', 'Configure the device or service', 'Test with the user', 'Hand over and document'];
    const ids = steps.map((_, i) => `step_${i + 1}`);
    return {
      kind,
      title,
      description: `Draft ${kind} flow for: ${prompt.slice(0, 300)}`,
      tags: [],
      graph: {
        start: ids[0]!,
        nodes: steps.map((s, i) => ({
          id: ids[i]!,
          kind: 'action' as const,
          title: s,
          options: i < steps.length - 1 ? [{ id: 'done', label: 'Done', next: ids[i + 1]! }] : [{ id: 'done', label: 'Done' }],
        })),
      },
    };
  }
  return {
    kind,
    title,
    description: `Draft troubleshooting flow for: ${prompt.slice(0, 300)}`,
    tags: [],
    graph: {
      start: 'scope',
      nodes: [
        { id: 'scope', kind: 'question', title: 'Who is affected?', options: [{ id: 'one', label: 'One user or device', next: 'recent_change' }, { id: 'many', label: 'Several users or the whole site', next: 'service_health' }] },
        { id: 'service_health', kind: 'check', title: 'Check service health and recent outages', options: [{ id: 'outage', label: 'A known outage or incident', next: 'escalate' }, { id: 'healthy', label: 'Everything reports healthy', next: 'recent_change' }] },
        { id: 'recent_change', kind: 'question', title: 'Did anything change just before it started?', body: 'Updates, new software, password change, moved desk, new network.', options: [{ id: 'yes', label: 'Yes', next: 'undo_change' }, { id: 'no', label: 'No / not known', next: 'basics' }] },
        { id: 'undo_change', kind: 'action', title: 'Roll back or adjust the change', options: [{ id: 'fixed', label: 'That fixed it', next: 'resolved' }, { id: 'still', label: 'Still failing', next: 'basics' }] },
        { id: 'basics', kind: 'action', title: 'Restart the app and device, confirm network and sign-in', options: [{ id: 'fixed', label: 'That fixed it', next: 'resolved' }, { id: 'still', label: 'Still failing', next: 'logs' }] },
        { id: 'logs', kind: 'check', title: 'Read the error and the logs', body: 'Capture the exact error text or code, Event Viewer entries and the time it happened.', options: [{ id: 'known', label: 'The error points to a known fix', next: 'resolved' }, { id: 'unknown', label: 'Nothing conclusive', next: 'escalate' }] },
        { id: 'resolved', kind: 'solution', title: 'Apply the fix and confirm with the user', options: [] },
        { id: 'escalate', kind: 'escalate', title: 'Escalate with what was checked', body: 'Attach the error, logs and the steps already taken.', options: [] },
      ],
    },
  };
}

/** Offline: adapt the library flow that best covers the prompt, or a skeleton. */
export async function offlineDraft(tx: Tx, prompt: string, kind?: FlowKind): Promise<{ draft: FlowDraft; basedOn: GeneratedFlow['basedOn'] }> {
  const tsq = tsQuery(prompt, 'any');
  if (tsq) {
    const [best] = await tx<[{ id: string; title: string; kind: FlowKind; description: string; tags: string[]; graph: FlowGraph; coverage: number }?]>`
      with q as (select tsvector_to_array(to_tsvector('english', ${prompt})) as lx)
      select f.id, f.title, f.kind, f.description, f.tags, f.graph,
        cardinality(array(select unnest(tsvector_to_array(f.search)) intersect select unnest(q.lx)))::float8 / greatest(cardinality(q.lx), 1) as coverage
      from flows f, q
      where f.deleted_at is null and f.search @@ to_tsquery('english', ${tsq}) and (${kind ?? null}::text is null or f.kind = ${kind ?? null})
      order by coverage desc, ts_rank_cd(f.search, to_tsquery('english', ${tsq}), 32) desc
      limit 1`;
    if (best && Number(best.coverage) >= 0.3) {
      return {
        basedOn: { id: best.id, title: best.title },
        draft: {
          kind: best.kind,
          title: titleFrom(prompt),
          description: `Adapted from "${best.title}". ${best.description}`.slice(0, 5000),
          tags: best.tags,
          graph: best.graph,
        },
      };
    }
  }
  return { draft: skeletonDraft(prompt, kind), basedOn: null };
}

/** A node of the draft as soon as it is complete: what a streaming client shows while the rest arrives. */
export interface DraftStep {
  id: string;
  kind: string;
  title: string;
}

/**
 * Finds the complete node objects in the model's growing tool JSON (`graph.nodes[...]`). The text is partial and, after
 * a retried call, may hold a restarted answer appended to a cut one: anything that does not parse is skipped, never thrown.
 */
export function completeNodes(json: string): DraftStep[] {
  const found: DraftStep[] = [];
  const re = /"nodes"\s*:\s*\[/g;
  for (let m = re.exec(json); m; m = re.exec(json)) {
    // Each "nodes" array is scanned on its own: a cut one never closes, and a restarted answer's comes after it.
    let i = re.lastIndex;
    // Scan the array: objects at depth 0 are nodes; strings are skipped so braces inside titles do not count.
    let depth = 0;
    let start = -1;
    let inString = false;
    for (; i < json.length; i++) {
      const ch = json[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') {
        if (depth === 0 && ch === '{') start = i;
        depth++;
      } else if (ch === '}' || ch === ']') {
        if (depth === 0) break; // the end of the nodes array
        depth--;
        if (depth === 0 && ch === '}' && start >= 0) {
          const step = asStep(json.slice(start, i + 1));
          if (step) found.push(step);
          start = -1;
        }
      }
    }
  }
  return found;
}

function asStep(text: string): DraftStep | null {
  try {
    const n = JSON.parse(text) as Record<string, unknown>;
    if (typeof n.id !== 'string' || typeof n.kind !== 'string' || typeof n.title !== 'string') return null;
    return { id: n.id.slice(0, 100), kind: n.kind.slice(0, 40), title: n.title.slice(0, 200) };
  } catch {
    return null;
  }
}

export interface GenerateParams {
  llm?: LlmProvider;
  model: string;
  log: Logger;
  prompt: string;
  kind?: FlowKind;
  redact: Redact;
  tenant: TenantRunner;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Streaming: each node of the draft once complete (from the model's partial answer, else the final draft's), once per id. */
  onStep?: (step: DraftStep) => void;
}

/** Thrown when the model's draft still breaks the rules after one repair and no offline draft is wanted. */
export class DraftRejected extends Error {
  constructor(readonly problems: string[]) {
    super(`The generated flow is invalid: ${problems.slice(0, 5).join('; ')}`);
  }
}

export async function generateFlow(p: GenerateParams): Promise<GeneratedFlow> {
  const sent = new Set<string>();
  const step = (s: DraftStep) => {
    if (!p.onStep || sent.has(s.id)) return;
    sent.add(s.id);
    p.onStep(s);
  };
  // Whatever the stream did not show yet (offline drafts, a node the partial JSON hid) is sent before the answer.
  const finish = (g: GeneratedFlow): GeneratedFlow => {
    for (const n of g.draft.graph.nodes) step({ id: n.id, kind: n.kind, title: n.title });
    return g;
  };
  const offline = async (fallbackReason: string | null, usage = zeroUsage(), attempts = 0): Promise<GeneratedFlow> => {
    const { draft, basedOn } = await p.tenant((tx) => offlineDraft(tx, p.prompt, p.kind));
    return finish({ draft, origin: 'offline', model: null, basedOn, repaired: false, fallbackReason, usage, attempts });
  };
  if (!p.llm) return offline(null);

  let usage = zeroUsage();
  let attempts = 0;
  const messages: LlmMessage[] = [
    {
      role: 'user',
            // The request may be pasted ticket text: it is the topic, fenced as data, never instructions.
      content: [{ type: 'text', text: p.redact(`${p.kind ? `Kind: ${p.kind}\n` : ''}Write a flow for the problem described here:\n${fenceData(p.prompt)}`) }],
    },
  ];
  const call = async (msgs: LlmMessage[]) => {
    let partial = '';
    const onEvent = p.onStep
      ? (e: LlmStreamEvent) => {
          if (e.type !== 'tool_input') return;
          partial += e.partialJson;
          for (const s of completeNodes(partial)) step(s);
        }
      : undefined;
    const res = await p.llm!.complete(
      { model: p.model, system: [{ text: FLOW_SYSTEM, cache: true }], tools: [flowTool], toolChoice: { type: 'tool', name: FLOW_TOOL }, maxTokens: 4096, messages: msgs },
      { signal: p.signal, timeoutMs: p.timeoutMs ?? 60_000, onEvent },
    );
    usage = addUsage(usage, res.usage);
    attempts += res.attempts;
    return res;
  };
  try {
    const first = await call(messages);
    const tool = first.toolCalls.find((t) => t.name === FLOW_TOOL);
    let checked = tool ? draftProblems(tool.input) : { draft: null, problems: [`you did not call ${FLOW_TOOL}`] };
    if (checked.draft) return finish({ draft: checked.draft, origin: 'model', model: first.model, basedOn: null, repaired: false, fallbackReason: null, usage, attempts });
    const id = tool?.id ?? 'toolu_missing';
    const second = await call([
      ...messages,
      { role: 'assistant', content: tool ? [{ type: 'tool_use', id, name: FLOW_TOOL, input: tool.input }] : [{ type: 'text', text: first.text || '(no tool call)' }] },
      {
        role: 'user',
        content: [
          tool
            ? { type: 'tool_result', toolUseId: id, isError: true, content: `The flow breaks these rules:\n- ${checked.problems.join('\n- ')}\nCall ${FLOW_TOOL} again with a corrected flow.` }
            : { type: 'text', text: `Call ${FLOW_TOOL} with the flow.` },
        ],
      },
    ]);
    const again = second.toolCalls.find((t) => t.name === FLOW_TOOL);
    checked = again ? draftProblems(again.input) : { draft: null, problems: [`you did not call ${FLOW_TOOL}`] };
    if (checked.draft) return finish({ draft: checked.draft, origin: 'model', model: second.model, basedOn: null, repaired: true, fallbackReason: null, usage, attempts });
    p.log.info('flow builder: model draft rejected', { problems: checked.problems.slice(0, 3) });
    throw new DraftRejected(checked.problems);
  } catch (err) {
    if (err instanceof DraftRejected) {
      Object.assign(err, { usage, attempts });
      throw err;
    }
    const e = err instanceof LlmError ? err : new LlmError('network', err instanceof Error ? err.message : String(err));
    p.log.warn('flow builder fell back to offline', { kind: e.kind, status: e.status });
    return offline(`${e.kind}: ${e.message}`.slice(0, 300), usage, attempts + e.attempts);
  }
}
