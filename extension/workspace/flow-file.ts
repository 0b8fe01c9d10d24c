// A flow as a JSON file: what "Export" writes and what "Import" accepts (an export, or a flow as the API returns it).
import type { FlowGraph, FlowKind } from '../../api/services/flow-graph';
import type { FlowDraft } from './api-types';

export const FLOW_FILE_FORMAT = 'flowpilot-flow@1';
const KINDS: readonly FlowKind[] = ['troubleshooting', 'procedural', 'maintenance'];

export interface FlowFile extends Required<Omit<FlowDraft, 'category'>> {
  format: typeof FLOW_FILE_FORMAT;
  category: string | null;
}

export function toFlowFile(flow: FlowDraft): FlowFile {
  return {
    format: FLOW_FILE_FORMAT,
    kind: flow.kind,
    title: flow.title,
    description: flow.description ?? '',
    category: flow.category ?? null,
    tags: flow.tags ?? [],
    graph: flow.graph,
  };
}

export const flowFileName = (title: string) => `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'flow'}.flow.json`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a file's text into a flow draft, or says what is wrong with it. Only the shape is checked here; the
 * editor then shows the graph's own problems on the canvas, and nothing is saved until the user saves.
 */
export function parseFlowFile(text: string): { ok: true; draft: FlowDraft } | { ok: false; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The file is not JSON.' };
  }
  // An API answer wraps the flow: {"flow": {...}}.
  const flow = isObject(data) && isObject(data.flow) ? data.flow : data;
  if (!isObject(flow)) return { ok: false, error: 'The file does not hold a flow.' };
  if (typeof flow.title !== 'string' || !flow.title.trim()) return { ok: false, error: 'The flow has no title.' };
  if (!KINDS.includes(flow.kind as FlowKind)) return { ok: false, error: `The flow's kind must be one of ${KINDS.join(', ')}.` };
  const graph = flow.graph;
  if (!isObject(graph) || typeof graph.start !== 'string' || !Array.isArray(graph.nodes)) return { ok: false, error: 'The flow has no graph (start and nodes).' };
  for (const [i, n] of graph.nodes.entries()) {
    if (!isObject(n) || typeof n.id !== 'string' || typeof n.title !== 'string' || typeof n.kind !== 'string') {
      return { ok: false, error: `Step ${i + 1} needs an id, a kind and a title.` };
    }
    if (n.options !== undefined && (!Array.isArray(n.options) || n.options.some((o) => !isObject(o) || typeof o.id !== 'string' || typeof o.label !== 'string'))) {
      return { ok: false, error: `Step "${n.id}" has an option without an id or a label.` };
    }
  }
  const tags = Array.isArray(flow.tags) ? flow.tags.filter((t): t is string => typeof t === 'string') : [];
  return {
    ok: true,
    draft: {
      kind: flow.kind as FlowKind,
      title: flow.title.trim(),
      description: typeof flow.description === 'string' ? flow.description : '',
      category: typeof flow.category === 'string' ? flow.category : null,
      tags,
      graph: { start: graph.start, nodes: graph.nodes.map((n) => ({ ...n, options: n.options ?? [] })) } as FlowGraph,
    },
  };
}
