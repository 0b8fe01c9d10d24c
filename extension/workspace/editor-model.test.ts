// The flow editor's model: undo/redo as the user sees it, the API's validation on nodes and options, and layout.
import { describe, expect, it } from 'vitest';
import { STARTER_FLOWS } from '../../api/services/flows/library';
import { assertValidFlowGraph } from '../../api/services/flows/validate';
import { createEditorModel, NODE_WIDTH, nodeHeight, optionKey, type EditorDoc } from './editor-model';

/** Question → (yes: solution, no: escalation): a valid troubleshooting flow built through the editor's own actions. */
function smallFlow() {
  const m = createEditorModel();
  const q = m.addNode('question');
  const s = m.addNode('solution');
  const e = m.addNode('escalate');
  const yes = m.addOption(q, 'Yes')!;
  const no = m.addOption(q, 'No')!;
  m.connect(q, yes, s);
  m.connect(q, no, e);
  return { m, q, s, e, yes, no };
}

const messages = (m: ReturnType<typeof createEditorModel>) => m.problems.value.map((p) => p.message);

describe('editor model: undo and redo', () => {
  it('undoes and redoes each edit in order, and a new edit clears what could be redone', () => {
    const { m, q, s } = smallFlow();
    expect(m.doc.value.nodes).toHaveLength(3);
    m.removeNode(s);
    expect(m.doc.value.nodes.map((n) => n.id)).not.toContain(s);
    m.undo();
    expect(m.doc.value.nodes.map((n) => n.id)).toContain(s);
    m.redo();
    expect(m.doc.value.nodes.map((n) => n.id)).not.toContain(s);
    m.undo();
    m.updateNode(q, { kind: 'check' });
    expect(m.canRedo.value).toBe(false);
    m.redo();
    expect(m.doc.value.nodes.map((n) => n.id)).toContain(s);
  });

  it('deletes steps and connections chosen together as one undo step, leaving options into a deleted step dangling', () => {
    const { m, q, s, e, yes, no } = smallFlow();
    m.removeElements([s], [
      { nodeId: q, optionId: yes },
      { nodeId: q, optionId: no },
    ]);
    const question = () => m.doc.value.nodes.find((n) => n.id === q)!;
    expect(m.doc.value.nodes.map((n) => n.id)).toEqual([q, e]);
    // The cut to the escalation ends the walk there; the option into the deleted step still names it.
    expect(question().options).toEqual([
      { id: yes, label: 'Yes', next: s },
      { id: no, label: 'No' },
    ]);
    expect(m.problemMap.value.byOption.get(optionKey(q, yes))).toHaveLength(1);
    m.undo();
    expect(m.doc.value.nodes.map((n) => n.id)).toEqual([q, s, e]);
    expect(m.problems.value).toEqual([]);
  });

  it('takes back all the way to an empty canvas, and no further', () => {
    const { m } = smallFlow();
    let steps = 0;
    while (m.canUndo.value) {
      m.undo();
      steps++;
    }
    expect(steps).toBe(7);
    expect(m.doc.value.nodes).toEqual([]);
    m.undo();
    expect(m.doc.value.nodes).toEqual([]);
  });

  it('makes typing a title one undo step, and a whole drag one step', () => {
    const { m, q } = smallFlow();
    const before = m.doc.value;
    for (const title of ['D', 'Do', 'Doe', 'Does OWA work?']) m.updateNode(q, { title });
    expect(m.doc.value.nodes.find((n) => n.id === q)!.title).toBe('Does OWA work?');
    m.undo();
    expect(m.doc.value).toBe(before);

    const at = m.doc.value.nodes.find((n) => n.id === q)!.position;
    m.moveNodes([{ id: q, position: { x: at.x + 10, y: at.y } }], false);
    m.moveNodes([{ id: q, position: { x: at.x + 200, y: at.y + 50 } }], false);
    m.moveNodes([], true);
    expect(m.doc.value.nodes.find((n) => n.id === q)!.position).toEqual({ x: at.x + 200, y: at.y + 50 });
    m.undo();
    expect(m.doc.value.nodes.find((n) => n.id === q)!.position).toEqual(at);
    m.redo();
    expect(m.doc.value.nodes.find((n) => n.id === q)!.position).toEqual({ x: at.x + 200, y: at.y + 50 });
  });

  it('says when there are unsaved changes, and not after saving or undoing back to the saved flow', () => {
    const { m, q } = smallFlow();
    m.markSaved();
    expect(m.dirty.value).toBe(false);
    m.updateNode(q, { body: 'Ask the user to sign in at **outlook.office.com**.' });
    expect(m.dirty.value).toBe(true);
    m.undo();
    expect(m.dirty.value).toBe(false);
    // Moving a card is not a change to the flow: positions are never saved.
    m.moveNodes([{ id: q, position: { x: 999, y: 999 } }], true);
    expect(m.dirty.value).toBe(false);
  });
});

describe('editor model: validation on the canvas', () => {
  it('is clean for a walkable flow, and what it saves passes the API', () => {
    const { m } = smallFlow();
    expect(m.problems.value).toEqual([]);
    expect(() => assertValidFlowGraph(m.graph(), 'troubleshooting')).not.toThrow();
  });

  it('puts an unreachable node on that node, and clears it once an option leads there', () => {
    const { m, q } = smallFlow();
    const orphan = m.addNode('action');
    m.addOption(orphan, 'Done');
    expect(m.problemMap.value.byNode.get(orphan)?.map((p) => p.message)).toEqual([`node "${orphan}" cannot be reached from the start "${q}"`]);
    m.connectNew(q, orphan);
    expect(m.problems.value).toEqual([]);
  });

  it('marks the options left dangling by a deleted node, on those options', () => {
    const { m, q, s, yes } = smallFlow();
    m.removeNode(s);
    expect(m.problemMap.value.byOption.get(optionKey(q, yes))?.map((p) => p.message)).toEqual([`node "${q}": option "${yes}" leads to "${s}", which is not a node`]);
    expect(m.problemMap.value.byNode.get(q)).toBeUndefined();
    m.undo();
    expect(m.problems.value).toEqual([]);
  });

  it('asks a question for two answers, and an empty canvas for a first step', () => {
    const m = createEditorModel();
    expect(messages(m)).toEqual(['the flow has no steps yet']);
    const q = m.addNode('question');
    m.addOption(q, 'Only one');
    expect(messages(m)).toEqual([`question "${q}" needs at least two answers`]);
    expect(m.problemMap.value.byNode.get(q)).toHaveLength(1);
  });

  it('keeps checklist order for procedural flows', () => {
    const m = createEditorModel({ kind: 'procedural' });
    const a = m.addNode('action');
    const b = m.addNode('action');
    m.addOption(a, 'Next', b);
    const back = m.addOption(b, 'Again', a)!;
    m.addOption(b, 'Finished');
    expect(m.problemMap.value.byOption.get(optionKey(b, back))?.[0]?.message).toMatch(/goes back to the earlier step/);
  });
});

describe('editor model: layout and round trip', () => {
  const overlaps = (doc: EditorDoc) => {
    const boxes = doc.nodes.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, w: NODE_WIDTH, h: nodeHeight(n) }));
    return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => [a.id, b.id]));
  };

  it('lays every starter flow out top-down without overlapping cards, and saves each back unchanged', () => {
    for (const starter of STARTER_FLOWS) {
      const m = createEditorModel({ graph: starter.graph, kind: starter.kind });
      expect(overlaps(m.doc.value), starter.key).toEqual([]);
      const y = new Map(m.doc.value.nodes.map((n) => [n.id, n.position.y]));
      // The start is on the top rank.
      expect(y.get(starter.graph.start), starter.key).toBe(Math.min(...y.values()));
      expect(m.graph(), starter.key).toEqual(starter.graph);
      expect(m.problems.value, starter.key).toEqual([]);
    }
  });

  it('puts each step below the one that leads to it, as one undo step', () => {
    const { m, q, s, e } = smallFlow();
    m.moveNodes([{ id: s, position: { x: 0, y: -500 } }], true);
    m.relayout();
    const pos = (id: string) => m.doc.value.nodes.find((n) => n.id === id)!.position;
    expect(pos(s).y).toBeGreaterThan(pos(q).y);
    expect(pos(e).y).toBeGreaterThan(pos(q).y);
    m.undo();
    expect(pos(s)).toEqual({ x: 0, y: -500 });
  });
});
