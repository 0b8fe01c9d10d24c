// The visual flow editor: library fields, a palette, the canvas, the selected step's inspector (markdown with a
// preview, options and where each leads), the problems list, and keys for every action.
import { useSignal } from '@preact/signals';
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'preact/hooks';
import type { FlowKind, NodeKind } from '../../api/services/flow-graph';
import { renderMarkdown } from '../lib/common/markdown';
import { NODE_KIND_LABELS, type EditorModel, type EditorNode, type Position } from './editor-model';
import { FlowCanvas, PALETTE_MIME, useNewStepPlace } from './FlowCanvas';
import { Msg } from './Msg';
import { StepInsert } from './StepInsert';
import type { WorkspaceModel } from './workspace-model';

const KINDS: FlowKind[] = ['troubleshooting', 'procedural', 'maintenance'];
const PALETTE: { kind: NodeKind; key: string }[] = [
  { kind: 'question', key: 'q' },
  { kind: 'action', key: 'a' },
  { kind: 'check', key: 'c' },
  { kind: 'solution', key: 's' },
  { kind: 'escalate', key: 'e' },
  { kind: 'info', key: 'i' },
];

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** Editor keys: undo/redo anywhere but in a text field (which keeps its own), palette letters on the canvas. */
export function editorKeydown(m: WorkspaceModel, e: KeyboardEvent, place: () => Position | undefined): void {
  const ed = m.editor;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === 's') {
    e.preventDefault();
    void m.save();
    return;
  }
  if (typing(e.target) || m.readOnly.value) return;
  if (mod && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    if (e.shiftKey) ed.redo();
    else ed.undo();
  } else if (mod && e.key.toLowerCase() === 'y') {
    e.preventDefault();
    ed.redo();
  } else if (!mod && !e.altKey) {
    const p = PALETTE.find((x) => x.key === e.key);
    if (p) {
      e.preventDefault();
      ed.addNode(p.kind, place());
    }
  }
}

function Inspector({ ed, node, readOnly }: { ed: EditorModel; node: EditorNode; readOnly: boolean }) {
  const preview = useSignal(false);
  const others = ed.doc.value.nodes.filter((n) => n.id !== node.id);
  return (
    <section class="fp-inspector" data-fp="ws-inspector" aria-label={`Step ${node.id}`}>
      <h3>
        Step <code>{node.id}</code>
      </h3>
      <fieldset disabled={readOnly}>
        <label class="field">
          Kind
          <select value={node.kind} onChange={(e) => ed.updateNode(node.id, { kind: e.currentTarget.value as NodeKind })} name="nodeKind">
            {PALETTE.map((p) => (
              <option value={p.kind} key={p.kind}>
                {NODE_KIND_LABELS[p.kind]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Title
          <input value={node.title} onInput={(e) => ed.updateNode(node.id, { title: e.currentTarget.value })} name="nodeTitle" maxLength={300} />
        </label>
        <div class="row">
          <strong class="grow">Body (markdown)</strong>
          <button type="button" class="link" onClick={() => (preview.value = !preview.value)} data-fp="ws-body-preview-toggle" aria-pressed={preview.value}>
            {preview.value ? 'Edit' : 'Preview'}
          </button>
        </div>
        {preview.value ? (
          // renderMarkdown's output has been through DOMPurify.
          <div class="fp-md-preview" data-fp="ws-body-preview" dangerouslySetInnerHTML={{ __html: renderMarkdown(node.body ?? '') }} />
        ) : (
          <textarea rows={5} value={node.body ?? ''} onInput={(e) => ed.updateNode(node.id, { body: e.currentTarget.value })} name="nodeBody" />
        )}
        <label class="field">
          Command
          <input value={node.command ?? ''} onInput={(e) => ed.updateNode(node.id, { command: e.currentTarget.value })} name="nodeCommand" placeholder="optional: what to run here" />
        </label>
        <h4>{node.kind === 'question' ? 'Answers' : 'Options'} and where each leads</h4>
        <ul class="list fp-option-list">
          {node.options.map((o) => (
            <li key={o.id} class="row" data-fp="ws-inspector-option" data-option-id={o.id}>
              <input class="grow" value={o.label} aria-label={`Label of option ${o.id}`} onInput={(e) => ed.renameOption(node.id, o.id, e.currentTarget.value)} />
              <select
                aria-label={`Where "${o.label}" leads`}
                value={o.next ?? ''}
                onChange={(e) => ed.connect(node.id, o.id, e.currentTarget.value || null)}
                data-fp="ws-option-target"
              >
                <option value="">ends the flow here</option>
                {o.next && !others.some((n) => n.id === o.next) && <option value={o.next}>{o.next} (missing)</option>}
                {others.map((n) => (
                  <option value={n.id} key={n.id}>
                    {n.id}: {n.title.slice(0, 40)}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => ed.removeOption(node.id, o.id)} aria-label={`Remove option ${o.label}`}>
                ✕
              </button>
            </li>
          ))}
        </ul>
        <div class="row">
          <button type="button" onClick={() => ed.addOption(node.id)} data-fp="ws-add-option">
            Add {node.kind === 'question' ? 'answer' : 'option'}
          </button>
          <button type="button" onClick={() => ed.setStart(node.id)} disabled={ed.doc.value.start === node.id}>
            Make start
          </button>
          <button type="button" onClick={() => ed.removeNode(node.id)} data-fp="ws-delete-node">
            Delete step
          </button>
        </div>
      </fieldset>
    </section>
  );
}

export function FlowEditor({ m }: { m: WorkspaceModel }) {
  return (
    <ReactFlowProvider>
      <EditorView m={m} />
    </ReactFlowProvider>
  );
}

function EditorView({ m }: { m: WorkspaceModel }) {
  const place = useNewStepPlace();
  // On the document: after a click on the canvas's background the focus is on the page itself.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => editorKeydown(m, e, place);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const o = m.open.value!;
  const ed = m.editor;
  const readOnly = m.readOnly.value;
  const problems = ed.problems.value;
  const selectedNode = ed.doc.value.nodes.find((n) => n.id === ed.selected.value);
  return (
    <section class="fp-editor" data-fp="ws-editor">
      <div class="fp-editor-meta">
        <fieldset disabled={readOnly} class="row">
          <input class="grow fp-title" placeholder="Flow title" value={o.title} onInput={(e) => m.setMeta({ title: e.currentTarget.value })} name="flowTitle" aria-label="Flow title" />
          <select value={o.kind} onChange={(e) => m.setMeta({ kind: e.currentTarget.value as FlowKind })} name="flowKind" aria-label="Kind of flow">
            {KINDS.map((k) => (
              <option value={k} key={k}>
                {k}
              </option>
            ))}
          </select>
          <input placeholder="Category" value={o.category} onInput={(e) => m.setMeta({ category: e.currentTarget.value })} name="flowCategory" aria-label="Category" />
          <input placeholder="Tags, comma separated" value={o.tags} onInput={(e) => m.setMeta({ tags: e.currentTarget.value })} name="flowTags" aria-label="Tags" />
        </fieldset>
        <textarea
          rows={2}
          placeholder="What this flow is for (helps full-text search and the copilot's ranking)"
          value={o.description}
          disabled={readOnly}
          onInput={(e) => m.setMeta({ description: e.currentTarget.value })}
          name="flowDescription"
          aria-label="Description"
        />
      </div>
      <div class="row fp-toolbar" role="toolbar" aria-label="Flow editor">
        {!readOnly &&
          PALETTE.map((p) => (
            <button
              type="button"
              key={p.kind}
              draggable
              onDragStart={(e) => e.dataTransfer?.setData(PALETTE_MIME, p.kind)}
              onClick={() => ed.addNode(p.kind, place())}
              title={`Add a ${NODE_KIND_LABELS[p.kind].toLowerCase()} (key ${p.key.toUpperCase()}, or drag onto the canvas)`}
              data-fp="ws-add-node"
              data-kind={p.kind}
              class={`fp-palette fp-kind-${p.kind}`}
            >
              + {NODE_KIND_LABELS[p.kind]}
            </button>
          ))}
        {!readOnly && <StepInsert m={m} />}
        <span class="grow" />
        <button type="button" onClick={ed.undo} disabled={readOnly || !ed.canUndo.value} data-fp="ws-undo" title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={ed.redo} disabled={readOnly || !ed.canRedo.value} data-fp="ws-redo" title="Redo (Ctrl+Shift+Z or Ctrl+Y)">
          Redo
        </button>
        <button type="button" onClick={ed.relayout} disabled={readOnly} data-fp="ws-layout">
          Auto layout
        </button>
        {o.proposalId ? (
          <span class="muted">Proposal preview: approve or dismiss it in the list.</span>
        ) : (
          <button type="button" class="primary" onClick={() => void m.save()} disabled={readOnly} data-fp="ws-save" title="Save (Ctrl+S)">
            {o.id ? 'Save' : 'Save to library'}
          </button>
        )}
        <button type="button" onClick={m.closeEditor} data-fp="ws-close">
          Close
        </button>
      </div>
      {!m.canEdit.value && <p class="muted">You are a viewer: you can read flows; engineers and team admins edit them.</p>}
      <Msg f={m.editorFeedback} id="ws-editor-msg" />
      <div class="fp-editor-body">
        <FlowCanvas editor={ed} readOnly={readOnly} />
        <aside class="fp-side">
          <section class="fp-problems" data-fp="ws-problems" aria-live="polite">
            {problems.length === 0 ? (
              <p class="ok" data-fp="ws-valid">
                No problems: the flow can be walked from its start to an end.
              </p>
            ) : (
              <>
                <h3 class="error">
                  {problems.length} {problems.length === 1 ? 'problem' : 'problems'} to fix before saving
                </h3>
                <ul class="list">
                  {problems.map((p, i) => (
                    <li key={`${i}:${p.message}`} data-fp="ws-problem">
                      {p.nodeId && ed.doc.value.nodes.some((n) => n.id === p.nodeId) ? (
                        <button type="button" class="link" onClick={() => (ed.selected.value = p.nodeId)}>
                          {p.message}
                        </button>
                      ) : (
                        p.message
                      )}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          {selectedNode ? (
            <Inspector ed={ed} node={selectedNode} readOnly={readOnly} key={selectedNode.id} />
          ) : (
            <p class="hint">
              Select a step to edit it. Keys: Q A C S E I add a step; Tab moves between steps, Enter selects, arrows move it; Delete removes; Ctrl+Z / Ctrl+Shift+Z undo and redo; Ctrl+S saves.
              Connect by dragging from an option's dot to a step, or choose where each option leads in the inspector.
            </p>
          )}
        </aside>
      </div>
    </section>
  );
}
