// The shape of a flow's graph (stored as jsonb) and the lookups a session needs to walk it.
export type FlowKind = 'troubleshooting' | 'procedural' | 'maintenance';
export type NodeKind = 'question' | 'action' | 'check' | 'solution' | 'escalate' | 'info';

export interface FlowOption {
  id: string;
  label: string;
  /** The node this option leads to; absent on terminal options. */
  next?: string | null;
}

export interface FlowNode {
  id: string;
  kind: NodeKind;
  title: string;
  body?: string;
  /** A command the engineer may run at this node (PowerShell, cmd, bash …). */
  command?: string;
  options: FlowOption[];
}

export interface FlowGraph {
  start: string;
  nodes: FlowNode[];
}

export function findNode(graph: FlowGraph, id: string): FlowNode | undefined {
  return graph.nodes.find((n) => n.id === id);
}
