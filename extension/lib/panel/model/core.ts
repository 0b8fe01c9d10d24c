// What every part of the panel model shares: its dependencies, the ticket and session on screen, the
// account, the panel-wide messages, and how an action runs (busy, error, queued notice).
import { computed, signal } from '@preact/signals';
import type { SessionDetail } from '../../common/api-types';
import type { OperationName, OpArgs, OpResult } from '../../common/operations';
import type { AccountState, AskEvent, AskRequest, CallResult } from '../../common/protocol';
import type { TicketContext } from '../../ticket-context';

export interface PanelDeps {
  call: <K extends OperationName>(op: K, args: OpArgs<K>) => Promise<CallResult<OpResult<K>>>;
  accountState: () => Promise<AccountState>;
  /** Opens the streaming "Ask FlowPilot" channel; returns a function that cancels it. */
  ask?: (req: AskRequest, onEvent: (e: AskEvent) => void) => () => void;
}

export type Load = 'idle' | 'loading' | 'ready' | 'error';

/** The API's message for a failed call; null when it failed by being queued (or did not fail). */
export function failMessage<T>(r: CallResult<T>): string | null {
  if (r.ok) return null;
  if (r.queued) return null;
  return r.error.message;
}

export function createCore(deps: PanelDeps) {
  const ticket = signal<TicketContext | null>(null);
  const account = signal<AccountState | null>(null);
  const session = signal<SessionDetail | null>(null);
  const sessionLoad = signal<Load>('idle');
  const error = signal<string | null>(null);
  const notice = signal<string | null>(null);
  const busy = signal<string | null>(null);
  const signedIn = computed(() => account.value?.signedIn === true);

  // Bumped when the ticket on screen changes: an answer for an older ticket must not write.
  let ticketToken = 0;

  async function run<T>(label: string, fn: () => Promise<CallResult<T>>, onOk?: (data: T) => void, onQueued?: () => void): Promise<CallResult<T>> {
    busy.value = label;
    error.value = null;
    try {
      const r = await fn();
      if (r.ok) onOk?.(r.data);
      else if (r.queued) {
        onQueued?.();
        notice.value = `${label}: saved offline, will be sent when FlowPilot is reachable.`;
      } else error.value = `${label} failed: ${r.error.message}`;
      return r;
    } finally {
      busy.value = null;
    }
  }

  return {
    deps,
    ticket,
    account,
    session,
    sessionLoad,
    error,
    notice,
    busy,
    signedIn,
    token: () => ticketToken,
    nextToken: () => ++ticketToken,
    sid: () => session.value?.id,
    run,
  };
}

export type Core = ReturnType<typeof createCore>;
