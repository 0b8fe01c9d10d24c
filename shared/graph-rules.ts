// The rules that make a flow graph walkable: pure (types only), so the API's validation and the workspace's
// editor (which shows each problem on its node before saving) run the very same checks.
import type { FlowGraph, FlowKind } from '../api/services/flow-graph.js';

export interface GraphProblem {
  /** The node the problem is about (null for graph-wide problems). */
  nodeId: string | null;
  /** The option of that node the problem is about, when it is one option (the editor marks that connection). */
  optionId?: string;
  message: string;
}

/** True for nodes where a walk may stop: outcomes, or nodes that offer no way on. */
const isTerminalNode = (n: FlowGraph['nodes'][number]) =>
  n.kind === 'solution' || n.kind === 'escalate' || n.options.length === 0 || n.options.some((o) => !o.next);

/**
 * Every rule a walkable graph must keep. Returns all problems (empty when the graph is fine):
 * one start that exists; unique node ids; unique option ids per node; no option leading to a
 * missing node; every node reachable from the start; from every node some end can be reached
 * (loops are allowed — "try again" is normal — but not loops with no way out); a question offers
 * at least two answers; procedural and maintenance flows are ordered checklists, so their steps
 * may not branch back to an earlier step.
 */
export function graphProblems(graph: FlowGraph, kind?: FlowKind): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const byId = new Map<string, FlowGraph['nodes'][number]>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) problems.push({ nodeId: node.id, message: `node "${node.id}" appears more than once` });
    else byId.set(node.id, node);
  }
  if (!byId.has(graph.start)) problems.push({ nodeId: graph.start, message: `the start node "${graph.start}" is not in the graph` });

  for (const node of byId.values()) {
    const seen = new Set<string>();
    for (const option of node.options) {
      if (seen.has(option.id)) problems.push({ nodeId: node.id, optionId: option.id, message: `node "${node.id}" has two options with id "${option.id}"` });
      seen.add(option.id);
      if (option.next && !byId.has(option.next)) {
        problems.push({ nodeId: node.id, optionId: option.id, message: `node "${node.id}": option "${option.id}" leads to "${option.next}", which is not a node` });
      }
      if (option.next === node.id) problems.push({ nodeId: node.id, optionId: option.id, message: `node "${node.id}": option "${option.id}" leads back to the same node` });
    }
    if (node.kind === 'question' && node.options.length < 2) {
      problems.push({ nodeId: node.id, message: `question "${node.id}" needs at least two answers` });
    }
  }
  if (problems.length) return problems;

  // Reachability from the start.
  const reached = new Set<string>();
  const queue = [graph.start];
  while (queue.length) {
    const at = queue.shift()!;
    if (reached.has(at)) continue;
    reached.add(at);
    for (const o of byId.get(at)!.options) if (o.next && !reached.has(o.next)) queue.push(o.next);
  }
  for (const node of byId.values()) {
    if (!reached.has(node.id)) problems.push({ nodeId: node.id, message: `node "${node.id}" cannot be reached from the start "${graph.start}"` });
  }

  // Every node must be able to reach an end (reverse search from terminal nodes).
  const canEnd = new Set<string>([...byId.values()].filter(isTerminalNode).map((n) => n.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of byId.values()) {
      if (!canEnd.has(node.id) && node.options.some((o) => o.next && canEnd.has(o.next))) {
        canEnd.add(node.id);
        grew = true;
      }
    }
  }
  for (const node of byId.values()) {
    if (!canEnd.has(node.id)) problems.push({ nodeId: node.id, message: `node "${node.id}" is caught in a loop that never reaches an end` });
  }
  if (canEnd.size === 0) problems.push({ nodeId: null, message: 'the flow has no end (no solution, escalation or final step)' });

  if (kind === 'procedural' || kind === 'maintenance') {
    // Checklists run top to bottom: a step may skip ahead but never return to an earlier one.
    const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const node of byId.values()) {
      for (const o of node.options) {
        if (o.next && order.get(o.next)! < order.get(node.id)!) {
          problems.push({ nodeId: node.id, optionId: o.id, message: `${kind} step "${node.id}": option "${o.id}" goes back to the earlier step "${o.next}"` });
        }
      }
    }
  }
  return problems;
}
