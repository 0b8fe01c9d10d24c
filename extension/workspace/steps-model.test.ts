// The step library's model with a scripted background: the rating line, the node a new step sends, rating (refused
// without stars, then sent and the list reloaded), and a step inserted into the editor as one undo step.
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { OperationName } from '../lib/common/operations';
import type { CallResult } from '../lib/common/protocol';
import { createEditorModel } from './editor-model';
import { createStepsModel, nodeOfForm, ratingLabel } from './steps-model';
import { failure } from './workspace-model';

type Handler = (args: never) => CallResult<unknown>;
const STEP_ID = '3f1c2b7e-7d7a-4c55-9a65-3c7f1d9d2b11';

function scripted(handlers: Partial<Record<OperationName, Handler>>, canEdit = true) {
  const calls: { op: OperationName; args: unknown }[] = [];
  const call = async (op: OperationName, args: unknown) => {
    calls.push({ op, args });
    const h = handlers[op] as ((a: unknown) => CallResult<unknown>) | undefined;
    return h ? h(args) : { ok: false as const, error: { status: 404, code: 'not_found', message: `no ${op}` } };
  };
  return { model: createStepsModel(call as never, signal(canEdit), failure), calls };
}

const step = (rating: { average: number | null; count: number; mine: number | null }) => ({ id: STEP_ID, title: 'Restart the spooler', kind: 'action', rating, useCount: 0, reviews: [] });

describe('step library model', () => {
  it('says a rating in words', () => {
    expect(ratingLabel({ average: null, count: 0, mine: null })).toBe('not rated yet');
    expect(ratingLabel({ average: 4.5, count: 2, mine: null })).toBe('★ 4.5 (2 ratings)');
    expect(ratingLabel({ average: 3, count: 1, mine: 3 })).toBe('★ 3.0 (1 rating)');
  });

  it('turns the form into a node: answers one a line, unconnected, empty fields left out', () => {
    expect(nodeOfForm({ kind: 'question', title: ' Is it on? ', body: '', command: ' ', description: '', options: 'Yes\n\n No \n' })).toEqual({
      id: 'question',
      kind: 'question',
      title: 'Is it on?',
      options: [
        { id: 'opt_1', label: 'Yes', next: null },
        { id: 'opt_2', label: 'No', next: null },
      ],
    });
  });

  it('refuses a rating without stars, then sends stars and review and reloads the step and the list', async () => {
    let rated = false;
    const { model, calls } = scripted({
      getStep: () => ({ ok: true, data: { step: step(rated ? { average: 4, count: 1, mine: 4 } : { average: null, count: 0, mine: null }) } }),
      rateStep: () => ((rated = true), { ok: true, data: { step: step({ average: 4, count: 1, mine: 4 }) } }),
      steps: () => ({ ok: true, data: { steps: [step(rated ? { average: 4, count: 1, mine: 4 } : { average: null, count: 0, mine: null })] } }),
    });
    await model.openStep(STEP_ID);
    await model.rate();
    expect(model.feedback.value).toEqual({ kind: 'error', text: 'Not rated: choose one to five stars first.' });
    expect(calls.some((c) => c.op === 'rateStep')).toBe(false);

    model.rating.value = { stars: 4, review: '  Works every time ' };
    await model.rate();
    expect(calls.find((c) => c.op === 'rateStep')!.args).toEqual({ stepId: STEP_ID, rating: 4, review: 'Works every time' });
    expect(model.feedback.value).toEqual({ kind: 'ok', text: 'Rated "Restart the spooler" 4 of 5.' });
    expect(model.detail.value!.rating.mine).toBe(4);
    expect(model.steps.value[0]!.rating.average).toBe(4);
  });

  it('tells a viewer rating is not theirs, without calling the API', async () => {
    const { model, calls } = scripted({ getStep: () => ({ ok: true, data: { step: step({ average: null, count: 0, mine: null }) } }) }, false);
    await model.openStep(STEP_ID);
    model.rating.value = { stars: 5, review: '' };
    await model.rate();
    expect(model.feedback.value?.kind).toBe('error');
    expect(calls.map((c) => c.op)).toEqual(['getStep']);
  });

  it('inserts the node the API hands back as one undo step, renaming an id the flow already has', async () => {
    const node = { id: 'action_1', kind: 'action', title: 'Restart the spooler', command: 'net stop spooler', options: [{ id: 'o1', label: 'Done', next: 'elsewhere' }] };
    const { model } = scripted({ useStep: () => ({ ok: true, data: { node } }) });
    const ed = createEditorModel();
    ed.addNode('action');
    const id = await model.insertInto(ed, STEP_ID);
    expect(id).toBe('action_1_1');
    const inserted = ed.graph().nodes.find((n) => n.id === id)!;
    expect(inserted).toEqual({ id: 'action_1_1', kind: 'action', title: 'Restart the spooler', command: 'net stop spooler', options: [{ id: 'o1', label: 'Done' }] });
    expect(ed.selected.value).toBe(id);
    ed.undo();
    expect(ed.graph().nodes.map((n) => n.id)).toEqual(['action_1']);
    ed.redo();
    expect(ed.graph().nodes.map((n) => n.id)).toEqual(['action_1', 'action_1_1']);
  });

  it('says why an insert failed and leaves the flow alone', async () => {
    const { model } = scripted({});
    const ed = createEditorModel();
    expect(await model.insertInto(ed, STEP_ID)).toBeNull();
    expect(model.feedback.value).toEqual({ kind: 'error', text: 'Not inserted: no useStep' });
    expect(ed.graph().nodes).toEqual([]);
    expect(ed.canUndo.value).toBe(false);
  });
});
