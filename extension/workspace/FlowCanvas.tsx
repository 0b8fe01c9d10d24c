// The flow canvas: @xyflow/react (through preact/compat) drawing the editor model's nodes, one connection per option.
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type OnDelete,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { NodeKind } from '../../api/services/flow-graph';
import { NODE_KIND_LABELS, NODE_WIDTH, nodeHeight, optionKey, type EditorModel, type EditorNode, type Position as CanvasPosition } from './editor-model';

/** The drag payload of a palette button dropped on the canvas. */
export const PALETTE_MIME = 'application/x-flowpilot-node-kind';
/** The handle on every card that draws a new option when connected. */
export const NEW_OPTION = '__new';

interface StepData extends Record<string, unknown> {
  node: EditorNode;
  isStart: boolean;
  problems: string[];
  optionProblems: Record<string, string[]>;
  readOnly: boolean;
}
type StepNode = Node<StepData, 'step'>;

function StepCard({ data, selected }: NodeProps<StepNode>) {
  const { node, isStart, problems, optionProblems, readOnly } = data;
  const bad = problems.length > 0 || Object.keys(optionProblems).length > 0;
  return (
    <div
      class={`fp-step fp-kind-${node.kind}${selected ? ' selected' : ''}${bad ? ' has-problem' : ''}`}
      style={{ width: `${NODE_WIDTH}px` }}
      data-fp="ws-node"
      data-node-id={node.id}
      data-problems={bad ? 'yes' : 'no'}
    >
      <Handle type="target" position={Position.Top} id="in" />
      <div class="fp-step-head">
        <span class="fp-step-kind">{NODE_KIND_LABELS[node.kind]}</span>
        {isStart && <span class="fp-start-chip">Start</span>}
        <span class="fp-step-id">{node.id}</span>
      </div>
      <div class="fp-step-title">{node.title}</div>
      {problems.map((p) => (
        <div class="fp-problem" data-fp="ws-node-problem" key={p}>
          {p}
        </div>
      ))}
      <ul class="fp-step-options">
        {node.options.map((o) => (
          <li key={o.id} class={optionProblems[o.id] ? 'has-problem' : ''} data-fp="ws-option" data-option-id={o.id} title={optionProblems[o.id]?.join('\n')}>
            {o.label}
            {!o.next && <span class="muted"> (ends)</span>}
            {optionProblems[o.id]?.map((p) => (
              <div class="fp-problem" key={p}>
                {p}
              </div>
            ))}
            <Handle type="source" position={Position.Right} id={o.id} />
          </li>
        ))}
        {!readOnly && (
          <li class="fp-new-option muted" data-fp="ws-new-option">
            drag to connect a new {node.kind === 'question' ? 'answer' : 'option'}
            <Handle type="source" position={Position.Right} id={NEW_OPTION} />
          </li>
        )}
      </ul>
    </div>
  );
}

const NODE_TYPES = { step: StepCard };

function Canvas({ editor, readOnly }: { editor: EditorModel; readOnly: boolean }) {
  const flow = useReactFlow();
  const doc = editor.doc.value;
  const map = editor.problemMap.value;
  const selected = editor.selected.value;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const count = useRef(doc.nodes.length);
  const selectedEdge = useSignal<string | null>(null);

  // A step added where the view cannot show it (or the first one): bring every step into view, never zoomed past 1.
  useEffect(() => {
    const added = doc.nodes.length > count.current;
    count.current = doc.nodes.length;
    const last = doc.nodes.at(-1);
    const box = document.querySelector('[data-fp="ws-canvas"]')?.getBoundingClientRect();
    if (!added || !last || !box) return;
    const topLeft = flow.flowToScreenPosition(last.position);
    const bottomRight = flow.flowToScreenPosition({ x: last.position.x + NODE_WIDTH, y: last.position.y + nodeHeight(last) });
    if (topLeft.x < box.left || topLeft.y < box.top || bottomRight.x > box.right || bottomRight.y > box.bottom) void flow.fitView({ maxZoom: 1, padding: 0.15 });
  }, [doc.nodes.length]);

  const nodes: StepNode[] = doc.nodes.map((n) => ({
    id: n.id,
    type: 'step',
    position: n.position,
    selected: n.id === selected,
    draggable: !readOnly,
    ariaLabel: `${NODE_KIND_LABELS[n.kind]}: ${n.title}`,
    data: {
      node: n,
      isStart: n.id === doc.start,
      readOnly,
      problems: (map.byNode.get(n.id) ?? []).map((p) => p.message),
      optionProblems: Object.fromEntries(n.options.filter((o) => map.byOption.has(optionKey(n.id, o.id))).map((o) => [o.id, map.byOption.get(optionKey(n.id, o.id))!.map((p) => p.message)])),
    },
  }));
  const edges: Edge[] = doc.nodes.flatMap((n) =>
    n.options
      .filter((o) => o.next && ids.has(o.next))
      .map((o) => {
        const bad = map.byOption.has(optionKey(n.id, o.id));
        return {
          id: `${n.id}->${o.id}`,
          source: n.id,
          sourceHandle: o.id,
          target: o.next!,
          label: o.label,
          className: bad ? 'fp-edge-problem' : undefined,
          selected: selectedEdge.value === `${n.id}->${o.id}`,
          markerEnd: { type: MarkerType.ArrowClosed },
          deletable: !readOnly,
        };
      }),
  );

  function onNodesChange(changes: NodeChange<StepNode>[]) {
    const moves: { id: string; position: { x: number; y: number } }[] = [];
    let dragEnded = false;
    for (const c of changes) {
      if (c.type === 'position') {
        if (c.position) moves.push({ id: c.id, position: c.position });
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'select' && c.selected) editor.selected.value = c.id;
      else if (c.type === 'select' && !c.selected && editor.selected.value === c.id) editor.selected.value = null;
    }
    if (!readOnly && (moves.length || dragEnded)) editor.moveNodes(moves, dragEnded);
  }

  function onEdgesChange(changes: EdgeChange[]) {
    for (const c of changes) {
      if (c.type === 'select') selectedEdge.value = c.selected ? c.id : selectedEdge.value === c.id ? null : selectedEdge.value;
    }
  }

  // Removals arrive here once, steps and connections together (the change callbacks would split them in two).
  const onDelete: OnDelete<StepNode, Edge> = ({ nodes: removed, edges: cut }) => {
    if (readOnly) return;
    editor.removeElements(
      removed.map((n) => n.id),
      cut.filter((e) => e.sourceHandle).map((e) => ({ nodeId: e.source, optionId: e.sourceHandle! })),
    );
  };

  function onConnect(c: Connection) {
    if (readOnly || !c.sourceHandle || c.source === c.target) return;
    if (c.sourceHandle === NEW_OPTION) editor.connectNew(c.source, c.target);
    else editor.connect(c.source, c.sourceHandle, c.target);
  }

  function onDrop(e: DragEvent) {
    const kind = e.dataTransfer?.getData(PALETTE_MIME) as NodeKind | '';
    if (!kind || readOnly) return;
    e.preventDefault();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    editor.addNode(kind, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - 20) });
  }

  return (
    <div
      class="fp-canvas"
      data-fp="ws-canvas"
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes(PALETTE_MIME)) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <ReactFlow<StepNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        nodesConnectable={!readOnly}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        minZoom={0.2}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** Where a step added from the toolbar or by key goes: the middle of what the canvas shows, a little apart from the last one. */
export function useNewStepPlace(): () => CanvasPosition | undefined {
  const flow = useReactFlow();
  return () => {
    const box = document.querySelector('[data-fp="ws-canvas"]')?.getBoundingClientRect();
    if (!box) return undefined;
    const at = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 3 });
    return { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y) };
  };
}

/** The canvas; it needs a ReactFlowProvider around it (the editor's, which its toolbar shares). */
export const FlowCanvas = Canvas;
