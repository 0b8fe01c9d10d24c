// Flow validation: every kind of broken graph is refused with a message naming the bad node; the starter library is valid.
import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../flow-graph.js';
import { STARTER_FLOWS } from './library.js';
import { assertValidFlowGraph, graphProblems } from './validate.js';

const good = (): FlowGraph => ({
  start: 'a',
  nodes: [
    { id: 'a', kind: 'question', title: 'Works?', options: [{ id: 'y', label: 'Yes', next: 'ok' }, { id: 'n', label: 'No', next: 'b' }] },
    { id: 'b', kind: 'action', title: 'Restart it', options: [{ id: 'done', label: 'Done', next: 'ok' }] },
    { id: 'ok', kind: 'solution', title: 'Fixed', options: [] },
  ],
});

function refusal(graph: unknown, kind?: 'troubleshooting' | 'procedural' | 'maintenance'): string {
  try {
    assertValidFlowGraph(graph, kind);
  } catch (err) {
    expect((err as { status: number }).status).toBe(422);
    return (err as Error).message;
  }
  throw new Error('graph was accepted');
}

describe('flow validation', () => {
  it('accepts a sound graph', () => {
    expect(graphProblems(good())).toEqual([]);
    expect(assertValidFlowGraph(good()).start).toBe('a');
  });

  it('refuses a missing start node', () => {
    expect(refusal({ ...good(), start: 'zz' })).toMatch(/start node "zz"/);
  });

  it('refuses a dangling edge, naming the node and the option', () => {
    const g = good();
    g.nodes[1]!.options[0]!.next = 'nowhere';
    expect(refusal(g)).toMatch(/node "b": option "done" leads to "nowhere", which is not a node/);
  });

  it('refuses an unreachable node', () => {
    const g = good();
    g.nodes.push({ id: 'orphan', kind: 'info', title: 'Lost', options: [] });
    expect(refusal(g)).toMatch(/node "orphan" cannot be reached/);
  });

  it('refuses duplicate node ids and duplicate option ids', () => {
    const dupNode = good();
    dupNode.nodes.push({ id: 'b', kind: 'info', title: 'Again', options: [] });
    expect(refusal(dupNode)).toMatch(/node "b" appears more than once/);
    const dupOption = good();
    dupOption.nodes[0]!.options[1]!.id = 'y';
    expect(refusal(dupOption)).toMatch(/node "a" has two options with id "y"/);
  });

  it('refuses a loop with no way out, but allows a retry loop', () => {
    const trap: FlowGraph = {
      start: 'a',
      nodes: [
        { id: 'a', kind: 'question', title: 'Q', options: [{ id: 'x', label: 'X', next: 'b' }, { id: 'z', label: 'Z', next: 'end' }] },
        { id: 'b', kind: 'action', title: 'B', options: [{ id: 'go', label: 'Go', next: 'c' }] },
        { id: 'c', kind: 'action', title: 'C', options: [{ id: 'back', label: 'Back', next: 'b' }] },
        { id: 'end', kind: 'solution', title: 'End', options: [] },
      ],
    };
    expect(refusal(trap)).toMatch(/node "b" is caught in a loop/);
    const retry = structuredClone(trap);
    retry.nodes[2]!.options.push({ id: 'done', label: 'Done', next: 'end' });
    expect(graphProblems(retry)).toEqual([]);
  });

  it('refuses a question with a single answer and an option pointing at its own node', () => {
    const single = good();
    single.nodes[0]!.options.pop();
    single.nodes[0]!.options[0]!.next = 'b';
    expect(refusal(single)).toMatch(/question "a" needs at least two answers/);
    const self = good();
    self.nodes[1]!.options.push({ id: 'again', label: 'Again', next: 'b' });
    expect(refusal(self)).toMatch(/node "b": option "again" leads back to the same node/);
  });

  it('refuses a checklist step that goes back to an earlier step', () => {
    const g: FlowGraph = {
      start: 's1',
      nodes: [
        { id: 's1', kind: 'action', title: 'One', options: [{ id: 'done', label: 'Done', next: 's2' }] },
        { id: 's2', kind: 'check', title: 'Two', options: [{ id: 'redo', label: 'Redo', next: 's1' }, { id: 'ok', label: 'OK', next: 'end' }] },
        { id: 'end', kind: 'solution', title: 'Done', options: [] },
      ],
    };
    expect(graphProblems(g, 'troubleshooting')).toEqual([]);
    expect(refusal(g, 'procedural')).toMatch(/procedural step "s2": option "redo" goes back to the earlier step "s1"/);
  });

  it('refuses malformed shapes, naming the node', () => {
    expect(refusal({ start: 'a', nodes: [] })).toMatch(/nodes/);
    expect(refusal({ start: 'a', nodes: [{ id: 'a', kind: 'teleport', title: 'X', options: [] }] })).toMatch(/node "a".*kind/);
    expect(refusal({ start: 'a', nodes: [{ id: 'a', kind: 'info', title: '', options: [] }] })).toMatch(/node "a".*title/);
    expect(refusal('not a graph')).toMatch(/invalid/);
  });
});

describe('the starter library', () => {
  it('has at least ten flows, including a procedural and a maintenance flow, with unique keys', () => {
    expect(STARTER_FLOWS.length).toBeGreaterThanOrEqual(10);
    expect(STARTER_FLOWS.some((f) => f.kind === 'procedural')).toBe(true);
    expect(STARTER_FLOWS.some((f) => f.kind === 'maintenance')).toBe(true);
    expect(new Set(STARTER_FLOWS.map((f) => f.key)).size).toBe(STARTER_FLOWS.length);
  });

  it.each(STARTER_FLOWS.map((f) => [f.key, f] as const))('%s validates and has real content', (_key, flow) => {
    expect(graphProblems(flow.graph, flow.kind)).toEqual([]);
    expect(() => assertValidFlowGraph(flow.graph, flow.kind)).not.toThrow();
    expect(flow.tags.length).toBeGreaterThanOrEqual(5);
    expect(flow.description.length).toBeGreaterThan(60);
    // Every troubleshooting flow ends somewhere useful: a fix and an escalation path.
    if (flow.kind === 'troubleshooting') {
      expect(flow.graph.nodes.some((n) => n.kind === 'solution')).toBe(true);
      expect(flow.graph.nodes.some((n) => n.kind === 'escalate')).toBe(true);
    }
  });
});
