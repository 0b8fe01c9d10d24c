// Flow graph validation: shape first (zod), then the rules that make a graph walkable, each problem naming its node.
import { z } from 'zod';
import { unprocessable, AppError } from '../../lib/errors.js';
import type { FlowGraph, FlowKind } from '../flow-graph.js';
import { graphProblems, type GraphProblem } from '../../../shared/graph-rules.js';

export { graphProblems, type GraphProblem } from '../../../shared/graph-rules.js';

export const FLOW_KINDS = ['troubleshooting', 'procedural', 'maintenance'] as const satisfies readonly FlowKind[];
export const NODE_KINDS = ['question', 'action', 'check', 'solution', 'escalate', 'info'] as const;

const id = z.string().trim().min(1).max(80).regex(/^[A-Za-z0-9_.:-]+$/, 'may only hold letters, digits and _ . : -');

const optionSchema = z
  .object({ id, label: z.string().trim().min(1).max(200), next: id.nullish() })
  .strict();

export const nodeSchema = z
  .object({
    id,
    kind: z.enum(NODE_KINDS),
    title: z.string().trim().min(1).max(300),
    body: z.string().max(10_000).optional(),
    command: z.string().max(10_000).optional(),
    options: z.array(optionSchema).max(20).default([]),
  })
  .strict();

/** The stored shape of a graph; bodies of POST/PUT /v1/flows use it. */
export const flowGraphSchema = z.object({ start: id, nodes: z.array(nodeSchema).min(1).max(300) }).strict();

export class FlowValidationError extends AppError {
  constructor(readonly problems: GraphProblem[]) {
    const shown = problems.slice(0, 5).map((p) => p.message);
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    super(422, 'invalid_flow', `The flow graph is invalid: ${shown.join('; ')}${more}.`);
  }
}

/** Parses unknown input into a graph and checks it; throws a 422 naming the bad node. */
export function assertValidFlowGraph(input: unknown, kind?: FlowKind): FlowGraph {
  const parsed = flowGraphSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Name the node the shape problem is in, when the path reaches into nodes[i].
    const nodes = (input as { nodes?: { id?: unknown }[] } | null)?.nodes;
    const index = issue.path[0] === 'nodes' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    const nodeId = index !== undefined && Array.isArray(nodes) ? nodes[index]?.id : undefined;
    const where = index !== undefined ? `node ${typeof nodeId === 'string' ? `"${nodeId}"` : `#${index + 1}`}` : issue.path.join('.') || 'graph';
    throw unprocessable(`The flow graph is invalid: ${where}: ${issue.path.slice(2).join('.') || ''}${issue.path.length > 2 ? ' ' : ''}${issue.message}.`, 'invalid_flow');
  }
  const graph = parsed.data as FlowGraph;
  const problems = graphProblems(graph, kind);
  if (problems.length) throw new FlowValidationError(problems);
  return graph;
}
