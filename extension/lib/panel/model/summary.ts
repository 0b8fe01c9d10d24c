// The ticket summary card: fetched once per session as it opens, never holding up the rest of the panel.
import { batch, effect, signal } from '@preact/signals';
import type { OpResult } from '../../common/operations';
import { failMessage, type Core, type Load } from './core';

export type TicketSummary = OpResult<'ticketSummary'>;

export function createSummary(core: Core) {
  const summary = {
    data: signal<TicketSummary | null>(null),
    load: signal<Load>('idle'),
    error: signal<string | null>(null),
  };
  let shownFor: string | undefined;

  async function loadSummary() {
    const id = core.sid();
    if (!id) return;
    const token = core.token();
    summary.load.value = 'loading';
    summary.error.value = null;
    const r = await core.deps.call('ticketSummary', { sessionId: id });
    // The engineer moved on to another ticket or session while this one was summarised.
    if (token !== core.token() || core.sid() !== id) return;
    batch(() => {
      if (r.ok) summary.data.value = r.data;
      else summary.error.value = failMessage(r);
      summary.load.value = r.ok ? 'ready' : 'error';
    });
  }

  // Not awaited by the session load: the summary arrives when it arrives.
  effect(() => {
    const id = core.session.value?.id;
    if (id === shownFor) return;
    shownFor = id;
    reset();
    if (id) void loadSummary();
  });

  function reset() {
    batch(() => {
      summary.data.value = null;
      summary.error.value = null;
      summary.load.value = 'idle';
    });
  }

  return { summary, loadSummary };
}
