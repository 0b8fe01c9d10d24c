// The account and the ticket's open session: finding it, loading it again.
import { batch } from '@preact/signals';
import { isOpen } from '../../../../shared/sessions';
import { failMessage, type Core } from './core';
import type { SyncPart } from './sync';

export function createSession(core: Core, sync: SyncPart, offerFlows: () => Promise<void>) {
  const { deps, ticket, account, session, sessionLoad, error, signedIn } = core;

  async function refreshAccount() {
    try {
      account.value = await deps.accountState();
    } catch (err) {
      account.value = { signedIn: false, user: null, apiBase: '' };
      error.value = `FlowPilot's background is not answering (${err instanceof Error ? err.message : String(err)}).`;
    }
  }

  /** Finds the open session for the ticket on screen; without one, loads flows to choose from. */
  async function loadSession(token = core.token()) {
    const t = ticket.value;
    if (!t || !signedIn.value) return;
    sessionLoad.value = 'loading';
    const found = await deps.call('findSessions', { ticket: t.externalId });
    if (token !== core.token()) return;
    if (!found.ok) {
      sessionLoad.value = 'error';
      error.value = failMessage(found) ?? 'Could not load the session.';
      return;
    }
    const open = found.data.sessions.find(isOpen);
    if (!open) {
      session.value = null;
      sessionLoad.value = 'ready';
      void offerFlows();
      return;
    }
    await reloadSession(open.id, token);
  }

  async function reloadSession(id = session.value?.id, token = core.token()) {
    if (!id) return;
    const r = await deps.call('getSession', { sessionId: id });
    if (token !== core.token()) return;
    if (r.ok) {
      batch(() => {
        session.value = r.data.session;
        sessionLoad.value = 'ready';
        if (sync.sync.value.pending === 0) sync.queued.value = [];
      });
    } else {
      sessionLoad.value = 'error';
      error.value = failMessage(r) ?? 'Could not load the session.';
    }
  }

  return { refreshAccount, loadSession, reloadSession };
}
