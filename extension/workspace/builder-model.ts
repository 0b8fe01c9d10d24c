// The AI flow builder: a problem described in a sentence becomes a draft flow (the model's, or offline the closest
// library flow adapted, or a skeleton), which opens in the editor as a new, unsaved flow.
import { signal } from '@preact/signals';
import type { FlowKind } from '../lib/common/api-types';
import type { OpResult } from '../lib/common/operations';
import type { CallApi, CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type GeneratedFlow = OpResult<'generateFlow'>;

/** Where the draft came from, in the words the screen shows. */
export function originLabel(g: GeneratedFlow): string {
  if (g.origin === 'model') return `Drafted by ${g.model ?? 'the model'}${g.repaired ? ' (its first answer needed a repair)' : ''}.`;
  const why = g.fallbackReason ? `The model's draft was not usable (${g.fallbackReason}), so ` : 'No AI model is configured for this team, so ';
  return g.basedOn ? `${why}this starts from the closest library flow, "${g.basedOn.title}": adapt it to the problem.` : `${why}this is a skeleton to fill in: add the steps the problem needs.`;
}

export function createBuilderModel(call: CallApi, failure: (r: CallResult<unknown>) => string) {
  const prompt = signal('');
  const kind = signal<FlowKind | ''>('');
  const busy = signal(false);
  const result = signal<GeneratedFlow | null>(null);
  const feedback = signal<Feedback>(null);

  async function generate() {
    const text = prompt.value.trim();
    if (text.length < 3) {
      feedback.value = { kind: 'error', text: 'Describe the problem in a few words first.' };
      return;
    }
    busy.value = true;
    result.value = null;
    feedback.value = { kind: 'busy', text: 'Drafting a flow…' };
    const r = await call('generateFlow', { prompt: text, ...(kind.value ? { kind: kind.value } : {}) });
    busy.value = false;
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `No draft: ${failure(r)}` };
      return;
    }
    result.value = r.data;
    feedback.value = { kind: 'ok', text: originLabel(r.data) };
  }

  return { prompt, kind, busy, result, feedback, generate };
}

export type BuilderModel = ReturnType<typeof createBuilderModel>;
