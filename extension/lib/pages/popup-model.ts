// The popup's state: who is signed in, the ticket in the active tab, flows to start on it.
import { signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { FlowSummary, SessionSummary } from '../common/api-types';
import { callApi, sendMessage, type AccountState, type CallApi } from '../common/protocol';
import { recommendFlows } from '../common/recommend';
import { isOpen } from '../../../shared/sessions';
import type { TicketContext } from '../ticket-context';

export interface PopupDeps {
  call: CallApi;
  accountState: () => Promise<AccountState>;
  activeTabId: () => Promise<number | undefined>;
  ticketInTab: (tabId: number) => Promise<TicketContext | null>;
  startInTab: (tabId: number, flowId: string | null) => ReturnType<typeof sendMessage<'startFlowOnTicket'>>;
  openOptions: () => void;
  openWorkspace: () => void;
}

export function defaultPopupDeps(): PopupDeps {
  return {
    call: callApi,
    accountState: () => sendMessage('accountState'),
    activeTabId: async () => {
      // popup.html?tabId=N: the same page opened in a tab (automation, or a pinned tab) names the ticket tab.
      const named = Number(new URLSearchParams(location.search).get('tabId'));
      if (Number.isInteger(named) && named > 0) return named;
      return (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
    },
    ticketInTab: (tabId) => sendMessage('getTicket', undefined, tabId),
    startInTab: (tabId, flowId) => sendMessage('startFlowOnTicket', { flowId }, tabId),
    openOptions: () => void browser.runtime.openOptionsPage(),
    openWorkspace: () => void sendMessage('openWorkspace'),
  };
}

export function createPopupModel(deps: PopupDeps = defaultPopupDeps()) {
  const account = signal<AccountState | null>(null);
  const tabId = signal<number | undefined>(undefined);
  const ticket = signal<TicketContext | null>(null);
  const session = signal<SessionSummary | null>(null);
  const flows = signal<FlowSummary[]>([]);
  const recommended = signal<string[]>([]);
  const query = signal('');
  const loading = signal(true);
  const error = signal<string | null>(null);
  const started = signal<string | null>(null);
  const starting = signal<string | null>(null);

  async function init() {
    try {
      account.value = await deps.accountState();
      tabId.value = await deps.activeTabId();
      if (tabId.value !== undefined) ticket.value = await deps.ticketInTab(tabId.value).catch(() => null);
      if (account.value.signedIn) {
        await search('');
        const top = await recommendFlows(deps.call, ticket.value?.summary);
        recommended.value = top.map((f) => f.id);
        flows.value = [...top, ...flows.value.filter((f) => !recommended.value.includes(f.id))];
        if (ticket.value) {
          const r = await deps.call('findSessions', { ticket: ticket.value.externalId });
          if (r.ok) session.value = r.data.sessions.find(isOpen) ?? r.data.sessions[0] ?? null;
        }
      }
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  async function search(q: string) {
    const r = await deps.call('searchFlows', q ? { q } : {});
    if (r.ok) {
      flows.value = r.data.flows;
      error.value = null;
    } else if (!r.queued) error.value = r.error.message;
  }

  async function start(flowId: string | null) {
    if (tabId.value === undefined || !ticket.value) return;
    starting.value = flowId ?? 'none';
    error.value = null;
    try {
      const r = await deps.startInTab(tabId.value, flowId);
      if (r.ok) {
        started.value = `Started on ticket #${r.data.ticket}`;
        const s = await deps.call('findSessions', { ticket: r.data.ticket });
        if (s.ok) session.value = s.data.sessions.find((x) => x.id === r.data.sessionId) ?? session.value;
      } else if (!r.queued) error.value = r.error.message;
    } catch (err) {
      error.value = `The ticket tab did not answer (${err instanceof Error ? err.message : String(err)}). Reload the ConnectWise tab.`;
    } finally {
      starting.value = null;
    }
  }

  return { account, tabId, ticket, session, flows, recommended, query, loading, error, started, starting, init, search, start, openOptions: deps.openOptions, openWorkspace: deps.openWorkspace };
}

export type PopupModel = ReturnType<typeof createPopupModel>;
