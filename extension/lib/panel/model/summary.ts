// The ticket summary card: three lines and which tier wrote them, loaded beside the session (never before it).
import { signal } from '@preact/signals';
import type { Res } from '../../common/api-types';
import { failMessage, type Core, type Load } from './core';
import type { createPrivacy } from './privacy';

export type TicketSummary = Res<'/v1/sessions/:id/summary', '$get'>;

export function createSummary(core: Core, privacy: Pick<ReturnType<typeof createPrivacy>, 'holdIf'>) {
  const summary = signal<TicketSummary | null>(null);
  const summaryLoad = signal<Load>('idle');
  const summaryError = signal<string | null>(null);

  async function loadSummary() {
    const id = core.sid();
    if (!id) return;
    const token = core.token();
    summaryLoad.value = 'loading';
    summaryError.value = null;
    const r = await core.deps.call('ticketSummary', { sessionId: id });
    if (token !== core.token() || core.sid() !== id) return;
    if (r.ok) {
      summary.value = r.data;
      summaryLoad.value = 'ready';
    } else {
      summaryError.value = failMessage(r) ?? 'The summary is not available offline.';
      summaryLoad.value = 'error';
      await privacy.holdIf(r, 'summary', loadSummary);
    }
  }

  function reset() {
    summary.value = null;
    summaryLoad.value = 'idle';
    summaryError.value = null;
  }

  return { summary, summaryLoad, summaryError, loadSummary, reset };
}
