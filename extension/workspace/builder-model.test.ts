// The AI builder's model: too short a description is refused before any call; the answer's origin in words (model,
// offline from a library flow, skeleton after a failed model draft); an API error is said, not thrown.
import { describe, expect, it } from 'vitest';
import type { OperationName } from '../lib/common/operations';
import type { CallResult } from '../lib/common/protocol';
import { createBuilderModel, originLabel, type GeneratedFlow } from './builder-model';
import { failure } from './workspace-model';

const draft = { kind: 'troubleshooting' as const, title: 'Printer jams', description: '', tags: [], graph: { start: 'q', nodes: [] } };
const generated = (patch: Partial<GeneratedFlow>): GeneratedFlow => ({ draft, origin: 'offline', model: null, basedOn: null, repaired: false, fallbackReason: null, tier: 'offline', ...patch }) as GeneratedFlow;

function scripted(answer: CallResult<unknown>) {
  const calls: { op: OperationName; args: unknown }[] = [];
  const call = async (op: OperationName, args: unknown) => (calls.push({ op, args }), answer);
  return { model: createBuilderModel(call as never, failure), calls };
}

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
});
