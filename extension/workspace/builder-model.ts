// The AI flow builder: a problem described in a sentence becomes a draft flow (the model's, or offline the closest
// library flow adapted, or a skeleton), which opens in the editor as a new, unsaved flow. The draft streams in: its
// steps show as the model writes them.
import { signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { BuilderStep, FlowKind } from '../lib/common/api-types';
import type { OpResult } from '../lib/common/operations';
import { BUILDER_PORT, type BuilderEvent, type BuilderRequest, type CallApi, type CallResult } from '../lib/common/protocol';
import type { Feedback } from './workspace-model';

export type GeneratedFlow = OpResult<'generateFlow'>;

/** Streams one draft; returns a cancel. */
export type DraftStream = (req: BuilderRequest, onEvent: (e: BuilderEvent) => void) => () => void;

export function openBuilderStream(req: BuilderRequest, onEvent: (e: BuilderEvent) => void): () => void {
  const port = browser.runtime.connect({ name: BUILDER_PORT });
  port.onMessage.addListener((msg: unknown) => onEvent(msg as BuilderEvent));
  port.onDisconnect.addListener(() => onEvent({ type: 'done' }));
  port.postMessage(req);
  return () => port.disconnect();
}

/** Where the draft came from, in the words the screen shows. */
export function originLabel(g: GeneratedFlow): string {
  if (g.origin === 'model') return `Drafted by ${g.model ?? 'the model'}${g.repaired ? ' (its first answer needed a repair)' : ''}.`;
  const why = g.fallbackReason ? `The model's draft was not usable (${g.fallbackReason}), so ` : 'No AI model is configured for this team, so ';
  return g.basedOn ? `${why}this starts from the closest library flow, "${g.basedOn.title}": adapt it to the problem.` : `${why}this is a skeleton to fill in: add the steps the problem needs.`;
}

/** The progress line while the draft streams in: how many steps so far, the latest ones by name. */
export function draftingLabel(steps: BuilderStep[]): string {
  if (!steps.length) return 'Drafting a flow…';
  const latest = steps.slice(-3).map((s) => s.title);
  return `Drafting… ${steps.length} step${steps.length === 1 ? '' : 's'} so far: ${steps.length > 3 ? '… ' : ''}${latest.join(' · ')}`;
}

/** One draft over the stream, as the call's result; the steps reach `onStep` as they arrive. */
function streamed(stream: DraftStream, req: BuilderRequest, onStep: (s: BuilderStep) => void): Promise<CallResult<GeneratedFlow>> {
  return new Promise((resolve) => {
    let settled = false;
    let cancel: (() => void) | null = null;
    const settle = (r: CallResult<GeneratedFlow>) => {
      if (settled) return;
      settled = true;
      resolve(r);
      cancel?.();
    };
    cancel = stream(req, (e) => {
      if (settled) return;
      if (e.type === 'step') onStep(e.step);
      else if (e.type === 'result') settle({ ok: true, data: e.result });
      else if (e.type === 'error') settle({ ok: false, error: { status: e.status, code: e.code ?? 'stream_failed', message: e.message } });
      else settle({ ok: false, error: { status: 500, code: 'stream_ended', message: 'The draft stopped before it was complete; try again.' } });
    });
    if (settled) cancel();
  });
}

/** `stream`: the draft streams in (the workspace); without it, one call answers the whole draft. */
export function createBuilderModel(call: CallApi, failure: (r: CallResult<unknown>) => string, stream?: DraftStream) {
  const prompt = signal('');
  const kind = signal<FlowKind | ''>('');
  const busy = signal(false);
  const result = signal<GeneratedFlow | null>(null);
  /** The steps of the draft so far, while it streams in. */
  const steps = signal<BuilderStep[]>([]);
  const feedback = signal<Feedback>(null);

  async function generate() {
    const text = prompt.value.trim();
    if (text.length < 3) {
      feedback.value = { kind: 'error', text: 'Describe the problem in a few words first.' };
      return;
    }
    busy.value = true;
    result.value = null;
    steps.value = [];
    feedback.value = { kind: 'busy', text: draftingLabel([]) };
    const req: BuilderRequest = { prompt: text, ...(kind.value ? { kind: kind.value } : {}) };
    const r = stream
      ? await streamed(stream, req, (s) => {
          steps.value = [...steps.value, s];
          feedback.value = { kind: 'busy', text: draftingLabel(steps.value) };
        })
      : await call('generateFlow', req);
    busy.value = false;
    steps.value = [];
    if (!r.ok) {
      feedback.value = { kind: 'error', text: `No draft: ${failure(r)}` };
      return;
    }
    result.value = r.data;
    feedback.value = { kind: 'ok', text: originLabel(r.data) };
  }

  return { prompt, kind, busy, result, steps, feedback, generate };
}

export type BuilderModel = ReturnType<typeof createBuilderModel>;
