// The flow editor's state: the graph being edited with each node's place on the canvas, undo/redo, automatic
// layout, and the API's own validation mapped onto nodes and options before anything is saved.
import { computed, signal } from '@preact/signals';
import { Graph, layout } from '@dagrejs/dagre';
import { graphProblems, type GraphProblem } from '../../shared/graph-rules';
import type { FlowGraph, FlowKind, FlowNode, FlowOption, NodeKind } from '../../api/services/flow-graph';

export interface Position {
  x: number;
  y: number;
}

/** A node as the editor holds it: the stored node plus where it sits (positions are the editor's, never saved). */
export interface EditorNode extends FlowNode {
  position: Position;
}

export interface EditorDoc {
  start: string;
  nodes: EditorNode[];
}

/** Kinds the palette offers, in the words of the product (a procedural flow's "action" is a checklist step). */
export const NODE_KIND_LABELS: Record<NodeKind, string> = {
  question: 'Question',
  action: 'Action / checklist step',
  check: 'Check',
  solution: 'Solution',
  escalate: 'Escalation',
  info: 'Info',
};

const HISTORY_LIMIT = 200;
export const NODE_WIDTH = 240;
/** The canvas card's height for a node: its header plus one row per option (layout keeps them apart). */
export const nodeHeight = (n: FlowNode) => 64 + 26 * (n.options.length + 1);

/** Problems sorted where the canvas shows them: on a node, on one of its options, or about the whole flow. */
export interface ProblemMap {
  byNode: Map<string, GraphProblem[]>;
  byOption: Map<string, GraphProblem[]>;
  general: GraphProblem[];
}

export const optionKey = (nodeId: string, optionId: string) => `${nodeId}\u0000${optionId}`;

export function mapProblems(problems: GraphProblem[], nodeIds: ReadonlySet<string>): ProblemMap {
  const byNode = new Map<string, GraphProblem[]>();
  const byOption = new Map<string, GraphProblem[]>();
  const general: GraphProblem[] = [];
  const add = (map: Map<string, GraphProblem[]>, key: string, p: GraphProblem) => map.set(key, [...(map.get(key) ?? []), p]);
  for (const p of problems) {
    // A start that names no node is about the flow as a whole: there is no card to put it on.
    if (!p.nodeId || !nodeIds.has(p.nodeId)) general.push(p);
    else if (p.optionId) add(byOption, optionKey(p.nodeId, p.optionId), p);
    else add(byNode, p.nodeId, p);
  }
  return { byNode, byOption, general };
}

/** Top-down positions from dagre, one rank per step; options are the edges. */
export function autoLayout(doc: EditorDoc): EditorDoc {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const n of doc.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: nodeHeight(n) });
  for (const n of doc.nodes) for (const o of n.options) if (o.next && ids.has(o.next) && o.next !== n.id) g.setEdge(n.id, o.next, {}, o.id);
  layout(g);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const placed = g.node(n.id) as { x: number; y: number };
      // dagre gives centres; the canvas places cards by their top-left corner.
      return { ...n, position: { x: Math.round(placed.x - NODE_WIDTH / 2), y: Math.round(placed.y - nodeHeight(n) / 2) } };
    }),
  };
}

/** A node as stored: no position, and no empty body, command or option target (the API's schema has none). */
function storedNode({ position: _position, body, command, options, ...node }: EditorNode): FlowNode {
  return { ...node, ...(body ? { body } : {}), ...(command ? { command } : {}), options: options.map(({ next, ...o }) => (next ? { ...o, next } : o)) };
}

export const toGraph = (doc: EditorDoc): FlowGraph => ({ start: doc.start, nodes: doc.nodes.map(storedNode) });

export const fromGraph = (graph: FlowGraph): EditorDoc => autoLayout({ start: graph.start, nodes: graph.nodes.map((n) => ({ ...n, options: [...n.options], position: { x: 0, y: 0 } })) });

/** A fresh id for a new node or option: `<prefix>_<n>`, the lowest n not taken (ids stay readable in the API's messages). */
function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${prefix}_${i}`)) return `${prefix}_${i}`;
}

/** The first place at or to the right of `at` where a new card overlaps none (cards added in a row sit side by side). */
function freeSpot(nodes: readonly EditorNode[], at: Position, height: number): Position {
  const clear = (x: number) =>
    nodes.every((n) => x + NODE_WIDTH + 20 <= n.position.x || n.position.x + NODE_WIDTH + 20 <= x || at.y + height + 20 <= n.position.y || n.position.y + nodeHeight(n) + 20 <= at.y);
  let x = at.x;
  for (let tries = 0; tries < 100 && !clear(x); tries++) x += NODE_WIDTH + 30;
  return { x, y: at.y };
}

const TITLES: Record<NodeKind, string> = {
  question: 'New question',
  action: 'New step',
  check: 'New check',
  solution: 'Solved: describe the fix',
  escalate: 'Escalate: say to whom',
  info: 'Note for the engineer',
};

export function createEditorModel(initial: { graph?: FlowGraph; kind?: FlowKind } = {}) {
  const kind = signal<FlowKind>(initial.kind ?? 'troubleshooting');
  const doc = signal<EditorDoc>(initial.graph ? fromGraph(initial.graph) : { start: '', nodes: [] });
  const past = signal<EditorDoc[]>([]);
  const future = signal<EditorDoc[]>([]);
  const selected = signal<string | null>(null);
  /** Counts loads: the canvas starts afresh (fitted to the flow) on each. */
  const generation = signal(0);
  /** The document as last saved or loaded: unsaved changes are any difference from it. */
  const saved = signal<EditorDoc>(doc.value);
  /** Consecutive edits of one field (typing a title) are one undo step. */
  let lastCoalesce: string | null = null;
  /** The document before a drag began: a whole drag is one undo step. */
  let dragBase: EditorDoc | null = null;

  const problems = computed(() => (doc.value.nodes.length ? graphProblems(toGraph(doc.value), kind.value) : [{ nodeId: null, message: 'the flow has no steps yet' }]));
  const problemMap = computed(() => mapProblems(problems.value, new Set(doc.value.nodes.map((n) => n.id))));
  const canUndo = computed(() => past.value.length > 0);
  const canRedo = computed(() => future.value.length > 0);
  const dirty = computed(() => JSON.stringify(toGraph(doc.value)) !== JSON.stringify(toGraph(saved.value)));

  /** Applies one edit as an undo step (or folds it into the previous one when `coalesce` matches). */
  function commit(next: EditorDoc, coalesce: string | null = null) {
    if (next === doc.value) return;
    if (!(coalesce && coalesce === lastCoalesce)) past.value = [...past.value, doc.value].slice(-HISTORY_LIMIT);
    future.value = [];
    lastCoalesce = coalesce;
    doc.value = next;
  }

  const editNode = (id: string, fn: (n: EditorNode) => EditorNode, coalesce: string | null = null) =>
    commit({ ...doc.value, nodes: doc.value.nodes.map((n) => (n.id === id ? fn(n) : n)) }, coalesce);

  function load(graph: FlowGraph | null, flowKind: FlowKind) {
    kind.value = flowKind;
    doc.value = graph ? fromGraph(graph) : { start: '', nodes: [] };
    saved.value = doc.value;
    past.value = [];
    future.value = [];
    selected.value = null;
    lastCoalesce = null;
    generation.value++;
  }

  /** Adds a node (the first one becomes the start); returns its id and selects it. */
  function addNode(nodeKind: NodeKind, at?: Position): string {
    const nodes = doc.value.nodes;
    const id = freshId(nodeKind, nodes.map((n) => n.id));
    const below = nodes.reduce((y, n) => Math.max(y, n.position.y + nodeHeight(n)), 0);
    const fresh = { id, kind: nodeKind, title: TITLES[nodeKind], options: [] };
    const node: EditorNode = { ...fresh, position: freeSpot(nodes, at ?? { x: 40, y: nodes.length ? below + 40 : 40 }, nodeHeight(fresh)) };
    commit({ start: doc.value.start || id, nodes: [...nodes, node] });
    selected.value = id;
    return id;
  }

  /**
   * Adds a node from the step library as one undo step: its options stay unconnected; an id the flow already uses
   * is renamed, so a step inserted twice stays two steps.
   */
  function insertNode(node: FlowNode): string {
    const nodes = doc.value.nodes;
    const id = nodes.some((n) => n.id === node.id) ? freshId(node.id, nodes.map((n) => n.id)) : node.id;
    const below = nodes.reduce((y, n) => Math.max(y, n.position.y + nodeHeight(n)), 0);
    const fresh = { ...node, id, options: node.options.map((o) => ({ ...o, next: null })) };
    commit({ start: doc.value.start || id, nodes: [...nodes, { ...fresh, position: freeSpot(nodes, { x: 40, y: nodes.length ? below + 40 : 40 }, nodeHeight(fresh)) }] });
    selected.value = id;
    return id;
  }

  /**
   * Removes steps and cuts connections as one undo step (a Delete on the canvas takes both). Options that led to a
   * removed step keep pointing there, so validation shows each as dangling until it is reconnected.
   */
  function removeElements(nodeIds: readonly string[], cuts: readonly { nodeId: string; optionId: string }[] = []) {
    const gone = new Set(nodeIds);
    const cut = (n: EditorNode) => {
      const ids = new Set(cuts.filter((c) => c.nodeId === n.id).map((c) => c.optionId));
      return ids.size ? { ...n, options: n.options.map((o) => (ids.has(o.id) && o.next && !gone.has(o.next) ? { id: o.id, label: o.label } : o)) } : n;
    };
    const nodes = doc.value.nodes.filter((n) => !gone.has(n.id)).map(cut);
    if (nodes.length === doc.value.nodes.length && nodes.every((n, i) => n === doc.value.nodes[i])) return;
    commit({ start: gone.has(doc.value.start) ? (nodes[0]?.id ?? '') : doc.value.start, nodes });
    if (selected.value && gone.has(selected.value)) selected.value = null;
  }

  const removeNode = (id: string) => removeElements([id]);

  function updateNode(id: string, patch: Partial<Pick<FlowNode, 'title' | 'body' | 'command' | 'kind'>>) {
    const field = Object.keys(patch).join(',');
    editNode(id, (n) => ({ ...n, ...patch }), field === 'kind' ? null : `node:${id}:${field}`);
  }

  function addOption(nodeId: string, label?: string, next?: string | null): string | null {
    const node = doc.value.nodes.find((n) => n.id === nodeId);
    if (!node) return null;
    const optionId = freshId('opt', node.options.map((o) => o.id));
    const text = label ?? (node.kind === 'question' ? `Answer ${node.options.length + 1}` : 'Next');
    editNode(nodeId, (n) => ({ ...n, options: [...n.options, { id: optionId, label: text, ...(next ? { next } : {}) }] }));
    return optionId;
  }

  function editOption(nodeId: string, optionId: string, fn: (o: FlowOption) => FlowOption, coalesce: string | null = null) {
    editNode(nodeId, (n) => ({ ...n, options: n.options.map((o) => (o.id === optionId ? fn(o) : o)) }), coalesce);
  }

  const renameOption = (nodeId: string, optionId: string, label: string) =>
    editOption(nodeId, optionId, (o) => ({ ...o, label }), `option:${nodeId}:${optionId}`);

  function removeOption(nodeId: string, optionId: string) {
    editNode(nodeId, (n) => ({ ...n, options: n.options.filter((o) => o.id !== optionId) }));
  }

  /** Points an option at a node (or at nothing: the walk ends there). */
  function connect(nodeId: string, optionId: string, target: string | null) {
    editOption(nodeId, optionId, ({ next: _next, ...o }) => (target ? { ...o, next: target } : o));
  }

  /** A connection drawn from a node's "new answer" handle: a new option leading to `target`. */
  const connectNew = (nodeId: string, target: string) => addOption(nodeId, undefined, target);

  function setStart(id: string) {
    if (doc.value.nodes.some((n) => n.id === id)) commit({ ...doc.value, start: id });
  }

  /** Live positions while dragging; `done` makes the whole drag one undo step. */
  function moveNodes(moves: { id: string; position: Position }[], done: boolean) {
    if (!moves.length && !done) return;
    dragBase ??= doc.value;
    const at = new Map(moves.map((m) => [m.id, m.position]));
    const next = at.size ? { ...doc.value, nodes: doc.value.nodes.map((n) => (at.has(n.id) ? { ...n, position: at.get(n.id)! } : n)) } : doc.value;
    if (!done) {
      doc.value = next;
      return;
    }
    const base = dragBase;
    dragBase = null;
    doc.value = base;
    commit(next);
  }

  function relayout() {
    commit(autoLayout(doc.value));
  }

  function undo() {
    const prev = past.value.at(-1);
    if (!prev) return;
    past.value = past.value.slice(0, -1);
    future.value = [doc.value, ...future.value];
    doc.value = prev;
    lastCoalesce = null;
    if (selected.value && !prev.nodes.some((n) => n.id === selected.value)) selected.value = null;
  }

  function redo() {
    const [next, ...rest] = future.value;
    if (!next) return;
    future.value = rest;
    past.value = [...past.value, doc.value];
    doc.value = next;
    lastCoalesce = null;
  }

  /** After a save: the current document is the saved one. */
  function markSaved() {
    saved.value = doc.value;
  }

  return {
    kind,
    doc,
    selected,
    generation,
    problems,
    problemMap,
    canUndo,
    canRedo,
    dirty,
    graph: () => toGraph(doc.value),
    load,
    addNode,
    insertNode,
    removeNode,
    removeElements,
    updateNode,
    addOption,
    renameOption,
    removeOption,
    connect,
    connectNew,
    setStart,
    moveNodes,
    relayout,
    undo,
    redo,
    markSaved,
  };
}

export type EditorModel = ReturnType<typeof createEditorModel>;
