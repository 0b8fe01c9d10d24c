// The AI builder's model: too short a description is refused before any call; the answer's origin in words (model,
// offline from a library flow, skeleton after a failed model draft); an API error is said, not thrown. Streamed, the
// steps show as they arrive, before the draft.
import { describe, expect, it } from 'vitest';
import type { OperationName } from '../lib/common/operations';
import type { CallResult } from '../lib/common/protocol';
import type { BuilderEvent, BuilderRequest } from '../lib/common/protocol';
import { createBuilderModel, originLabel, type GeneratedFlow } from './builder-model';
import { failure } from './workspace-model';

const draft = { kind: 'troubleshooting' as const, title: 'Printer jams', description: '', tags: [], graph: { start: 'q', nodes: [] } };
const generated = (patch: Partial<GeneratedFlow>): GeneratedFlow => ({ draft, origin: 'offline', model: null, basedOn: null, repaired: false, fallbackReason: null, tier: 'offline', ...patch }) as GeneratedFlow;

function scripted(answer: CallResult<unknown>) {
  const calls: { op: OperationName; args: unknown }[] = [];
  const call = async (op: OperationName, args: unknown) => (calls.push({ op, args }), answer);
  return { model: createBuilderModel(call as never, failure), calls };
}

/** A stream the test drives event by event, as the background would post them. */
function scriptedStream() {
  const requests: BuilderRequest[] = [];
  let emit: (e: BuilderEvent) => void = () => {};
  let cancelled = 0;
  const stream = (req: BuilderRequest, onEvent: (e: BuilderEvent) => void) => {
    requests.push(req);
    emit = onEvent;
    return () => void cancelled++;
  };
  const noCall = async () => {
    throw new Error('the streamed builder must not make the one-shot call');
  };
  return { model: createBuilderModel(noCall as never, failure, stream), requests, emit: (e: BuilderEvent) => emit(e), cancelled: () => cancelled };
}

const step = (id: string, title: string) => ({ type: 'step', step: { id, kind: 'action', title } }) as const;

describe('AI builder model', () => {
  it('says where a draft came from', () => {
    expect(originLabel(generated({ origin: 'model', model: 'claude-x' }))).toBe('Drafted by claude-x.');
    expect(originLabel(generated({ basedOn: { id: 'f', title: 'Printer offline' } }))).toBe(
      'No AI model is configured for this team, so this starts from the closest library flow, "Printer offline": adapt it to the problem.',
    );
    expect(originLabel(generated({ fallbackReason: 'timed out' }))).toBe("The model's draft was not usable (timed out), so this is a skeleton to fill in: add the steps the problem needs.");
  });

  it('refuses too short a description without calling the API', async () => {
    const { model, calls } = scripted({ ok: true, data: generated({}) });
    model.prompt.value = ' a ';
    await model.generate();
    expect(model.feedback.value?.kind).toBe('error');
    expect(calls).toEqual([]);
  });

  it('sends the description and kind, and keeps the draft', async () => {
    const { model, calls } = scripted({ ok: true, data: generated({ basedOn: { id: 'f', title: 'Printer offline' } }) });
    model.prompt.value = '  printer jams  ';
    model.kind.value = 'troubleshooting';
    await model.generate();
    expect(calls).toEqual([{ op: 'generateFlow', args: { prompt: 'printer jams', kind: 'troubleshooting' } }]);
    expect(model.result.value?.draft.title).toBe('Printer jams');
    expect(model.busy.value).toBe(false);
  });

  it('says an API error in words and keeps no draft', async () => {
    const { model } = scripted({ ok: false, error: { status: 422, code: 'invalid_flow', message: 'Rephrase the request' } });
    model.prompt.value = 'printer jams';
    await model.generate();
    expect(model.feedback.value).toEqual({ kind: 'error', text: 'No draft: Rephrase the request' });
    expect(model.result.value).toBeNull();
  });

  it('streamed: shows each step as it arrives, then the draft', async () => {
    const { model, requests, emit, cancelled } = scriptedStream();
    model.prompt.value = 'printer jams';
    model.kind.value = 'troubleshooting';
    const done = model.generate();
    expect(requests).toEqual([{ prompt: 'printer jams', kind: 'troubleshooting' }]);
    expect(model.feedback.value).toEqual({ kind: 'busy', text: 'Drafting a flow…' });

    emit(step('a', 'Check the paper path'));
    expect(model.feedback.value).toEqual({ kind: 'busy', text: 'Drafting… 1 step so far: Check the paper path' });
    emit(step('b', 'Clean the rollers'));
    emit(step('c', 'Replace the fuser'));
    emit(step('d', 'Escalate to the vendor'));
    expect(model.steps.value.map((s) => s.title)).toEqual(['Check the paper path', 'Clean the rollers', 'Replace the fuser', 'Escalate to the vendor']);
    expect(model.feedback.value?.text).toBe('Drafting… 4 steps so far: … Clean the rollers · Replace the fuser · Escalate to the vendor');
    expect(model.busy.value).toBe(true);
    expect(model.result.value).toBeNull();

    emit({ type: 'result', result: generated({ origin: 'model', model: 'claude-x', tier: 'deep' }) });
    await done;
    expect(model.result.value?.draft.title).toBe('Printer jams');
    expect(model.feedback.value).toEqual({ kind: 'ok', text: 'Drafted by claude-x.' });
    expect(model.steps.value).toEqual([]);
    expect(model.busy.value).toBe(false);
    expect(cancelled()).toBe(1); // the port is let go once the draft is in
  });

  it('streamed: an error event, or a stream that ends without a draft, is said and leaves no draft', async () => {
    const { model, emit } = scriptedStream();
    model.prompt.value = 'printer jams';
    let done = model.generate();
    emit(step('a', 'Check the paper path'));
    emit({ type: 'error', status: 422, code: 'invalid_flow', message: 'The generated flow is invalid: start is "missing"' });
    await done;
    expect(model.feedback.value).toEqual({ kind: 'error', text: 'No draft: The generated flow is invalid: start is "missing"' });
    expect(model.result.value).toBeNull();
    expect(model.steps.value).toEqual([]);

    done = model.generate();
    emit(step('a', 'Check the paper path'));
    emit({ type: 'done' });
    await done;
    expect(model.feedback.value?.kind).toBe('error');
    expect(model.feedback.value?.text).toBe('No draft: The draft stopped before it was complete; try again.');
    expect(model.busy.value).toBe(false);
  });
});
