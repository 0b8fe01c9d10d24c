// The workspace's step library: reusable flow steps with their average rating and reviews, searched by the API,
// added and rated by engineers, and inserted into the flow open in the editor (the API hands back a node to insert).
import { signal, type ReadonlySignal } from '@preact/signals';
import type { OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { NodeKind } from '../../api/services/flow-graph';
import type { EditorModel } from './editor-model';
import type { Feedback } from './workspace-model';

export type LibraryStep = OpResult<'steps'>['steps'][number];
export type StepDetail = OpResult<'getStep'>['step'];
export interface StepForm {
  kind: NodeKind;
  title: string;
  body: string;
  command: string;
  description: string;
  /** Answers, one a line (a question's choices). */
  options: string;
}

const EMPTY_FORM: StepForm = { kind: 'action', title: '', body: '', command: '', description: '', options: '' };

/** "★ 4.5 (2 ratings)" or "not rated yet". */
export function ratingLabel(r: LibraryStep['rating']): string {
  if (r.average === null || r.count === 0) return 'not rated yet';
  return `★ ${r.average.toFixed(1)} (${r.count} ${r.count === 1 ? 'rating' : 'ratings'})`;
}

/** The node the form describes, in the API's stored shape (option ids opt_1…, unconnected). */
export function nodeOfForm(f: StepForm) {
  const labels = f.options.split('\n').map((l) => l.trim()).filter(Boolean);
  return {
    id: f.kind,
    kind: f.kind,
    title: f.title.trim(),
    ...(f.body.trim() ? { body: f.body.trim() } : {}),
    ...(f.command.trim() ? { command: f.command.trim() } : {}),
    options: labels.map((label, i) => ({ id: `opt_${i + 1}`, label, next: null })),
  };
}

export function createStepsModel(call: CallApi, canEdit: ReadonlySignal<boolean>, failure: (r: CallResult<unknown>) => string) {
  const steps = signal<LibraryStep[]>([]);
  const query = signal('');
  /** True while a list request is out: the list stays in place and is marked busy rather than pushed down. */
  const loading = signal(false);
  const feedback = signal<Feedback>(null);
  const detail = signal<StepDetail | null>(null);
  const form = signal<StepForm | null>(null);
  const rating = signal<{ stars: number; review: string }>({ stars: 0, review: '' });
  let asked = 0;

  async function load() {
    const mine = ++asked;
    loading.value = true;
    const r = await call('steps', { q: query.value.trim() || undefined });
    if (mine !== asked) return;
    loading.value = false;
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `The step library did not load: ${failure(r)}` };
      return;
    }
    steps.value = r.data.steps;
  }

  function search(q: string) {
    query.value = q;
    void load();
  }

  async function openStep(stepId: string) {
    const r = await call('getStep', { stepId });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `The step did not open: ${failure(r)}` };
      return;
    }
    detail.value = r.data.step;
    rating.value = { stars: r.data.step.rating.mine ?? 0, review: '' };
  }

  async function rate() {
    const d = detail.value;
    const { stars, review } = rating.value;
    if (!d) return;
    if (!canEdit.value) {
      feedback.value = { kind: 'error', text: 'Rating steps is for engineers and team admins.' };
      return;
    }
    if (stars < 1) {
      feedback.value = { kind: 'error', text: 'Not rated: choose one to five stars first.' };
      return;
    }
    const r = await call('rateStep', { stepId: d.id, rating: stars, review: review.trim() || null });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not rated: ${failure(r)}` };
      return;
    }
    feedback.value = { kind: 'ok', text: `Rated "${d.title}" ${stars} of 5.` };
    await Promise.all([openStep(d.id), load()]);
  }

  async function add() {
    const f = form.value;
    if (!f) return;
    if (!f.title.trim()) {
      feedback.value = { kind: 'error', text: 'Not added: the step needs a title.' };
      return;
    }
    const r = await call('createStep', { node: nodeOfForm(f), description: f.description.trim() });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not added: ${failure(r)}` };
      return;
    }
    form.value = null;
    feedback.value = { kind: 'ok', text: `"${r.data.step.title}" is in the step library.` };
    await load();
  }

  /** Puts the step into the flow in the editor as one undo step. */
  async function insertInto(editor: EditorModel, stepId: string): Promise<string | null> {
    const r = await call('useStep', { stepId });
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `Not inserted: ${failure(r)}` };
      return null;
    }
    return editor.insertNode(r.data.node);
  }

  return {
    steps,
    query,
    loading,
    feedback,
    detail,
    form,
    rating,
    load,
    search,
    openStep,
    closeStep: () => (detail.value = null),
    rate,
    startAdd: () => (form.value = { ...EMPTY_FORM }),
    editForm: (patch: Partial<StepForm>) => {
      if (form.value) form.value = { ...form.value, ...patch };
    },
    cancelAdd: () => (form.value = null),
    add,
    insertInto,
  };
}

export type StepsModel = ReturnType<typeof createStepsModel>;
