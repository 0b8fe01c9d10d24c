// "Ask FlowPilot": the copilot's answer streaming into the panel.
import { batch, signal } from '@preact/signals';
import type { Proposal } from '../../common/api-types';
import type { Core } from './core';

export function createAsk(core: Core) {
  const ask = {
    streaming: signal(false),
    text: signal(''),
    proposal: signal<Proposal | null>(null),
    error: signal<string | null>(null),
  };
  let cancelAsk: (() => void) | null = null;

  function askCopilot(question?: string) {
    const id = core.sid();
    if (!id || !core.deps.ask) return;
    cancelAsk?.();
    batch(() => {
      ask.streaming.value = true;
      ask.text.value = '';
      ask.proposal.value = null;
      ask.error.value = null;
    });
    cancelAsk = core.deps.ask({ sessionId: id, question }, (e) => {
      if (e.type === 'delta') ask.text.value += e.text;
      else if (e.type === 'proposal') ask.proposal.value = e.proposal;
      else if (e.type === 'error') {
        ask.error.value = e.message;
        ask.streaming.value = false;
      } else if (e.type === 'done') ask.streaming.value = false;
    });
  }

  /** Stops the stream of the ticket that was on screen and forgets its answer. */
  function reset() {
    cancelAsk?.();
    ask.text.value = '';
    ask.proposal.value = null;
    ask.error.value = null;
  }

  return { ask, askCopilot, reset };
}
